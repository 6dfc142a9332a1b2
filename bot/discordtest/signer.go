package discordtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Signer signs requests the way Discord signs what it sends to an HTTP
// interactions endpoint: Ed25519 over timestamp+body, hex in
// X-Signature-Ed25519, Unix seconds in X-Signature-Timestamp.
type Signer struct {
	PublicKey  ed25519.PublicKey
	privateKey ed25519.PrivateKey
}

// NewSigner makes a signer with a fresh key pair.
func NewSigner() *Signer {
	seed := make([]byte, ed25519.SeedSize)
	_, _ = rand.Read(seed) // never fails since Go 1.24
	priv := ed25519.NewKeyFromSeed(seed)
	return &Signer{PublicKey: priv.Public().(ed25519.PublicKey), privateKey: priv}
}

// PublicKeyHex returns the public key as the Developer Portal shows it,
// the value of DISCORD_PUBLIC_KEY.
func (k *Signer) PublicKeyHex() string { return hex.EncodeToString(k.PublicKey) }

// Sign sets the signature headers of req for body sent at ts. It does not
// touch req.Body; body must be what req will send.
func (k *Signer) Sign(req *http.Request, body []byte, ts time.Time) {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	msg := append([]byte(stamp), body...)
	req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(k.privateKey, msg)))
	req.Header.Set("X-Signature-Timestamp", stamp)
}

// NewRequest returns a signed POST of body to url. body is sent as is if it
// is a []byte or json.RawMessage, else marshalled to JSON (an Interaction,
// for example).
func (k *Signer) NewRequest(url string, body any, ts time.Time) (*http.Request, error) {
	var b []byte
	switch v := body.(type) {
	case []byte:
		b = v
	case json.RawMessage:
		b = v
	default:
		var err error
		if b, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("signed request to %s: %w", url, err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("signed request to %s: %w", url, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	k.Sign(req, b, ts)
	return req, nil
}
