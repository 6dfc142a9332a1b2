package bot

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Feedback is one helpful / not helpful click, a line of feedback.jsonl.
type Feedback struct {
	Time     time.Time `json:"time"`
	Helpful  bool      `json:"helpful"`
	Question string    `json:"question"`
	Passages []string  `json:"passages"`
	// User is an HMAC-SHA256 of the Discord user id under this install's
	// salt: the same user gets the same value, and it cannot be turned
	// back into the id without the salt file.
	User         string `json:"user"`
	IndexVersion int    `json:"index_version"`
}

// feedbackLog appends Feedback to DIR/feedback.jsonl.
type feedbackLog struct {
	mu   sync.Mutex
	path string
	salt []byte
}

// openFeedback prepares dir for feedback: it is created if missing, and
// its salt file made on first use and read after.
func openFeedback(dir string) (*feedbackLog, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	saltPath := filepath.Join(dir, "salt")
	b, err := os.ReadFile(saltPath)
	if errors.Is(err, fs.ErrNotExist) {
		salt := make([]byte, 32)
		if _, err := rand.Read(salt); err != nil {
			return nil, err
		}
		b = []byte(hex.EncodeToString(salt) + "\n")
		// O_EXCL: of two processes starting at once, one salt wins.
		f, err := os.OpenFile(saltPath, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			_, err = f.Write(b)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if errors.Is(err, fs.ErrExist) {
			b, err = os.ReadFile(saltPath)
		}
		if err != nil {
			return nil, fmt.Errorf("salt %s: %w", saltPath, err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("salt %s: %w", saltPath, err)
	}
	salt, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(salt) < 16 {
		return nil, fmt.Errorf("salt %s: want 32 bytes in hex", saltPath)
	}
	return &feedbackLog{path: filepath.Join(dir, "feedback.jsonl"), salt: salt}, nil
}

// hashUser is how a user id appears in the data directory.
func (l *feedbackLog) hashUser(id string) string {
	m := hmac.New(sha256.New, l.salt)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// add appends f as one line; f.User must already be hashed.
func (l *feedbackLog) add(f Feedback) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	l.mu.Lock()
	defer l.mu.Unlock()
	file, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	_, err = file.Write(b)
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	return nil
}
