package main

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/joho/godotenv"
)

// envSyntaxError is a line of a dotenv file godotenv cannot parse. It names
// the file and the line and never quotes them: the line may hold the token.
type envSyntaxError struct {
	path string
	line int
	why  string
}

func (e envSyntaxError) Error() string {
	return fmt.Sprintf("env file %s, line %d: %s; the line is not shown, as it may hold a secret", e.path, e.line, e.why)
}

// readEnvFile reads a dotenv file with godotenv. godotenv's parse errors
// quote the text that follows the mistake, token and all, so they are
// replaced by an envSyntaxError. A UTF-8 byte order mark (Windows Notepad
// writes one) is no part of the first name.
func readEnvFile(path string) (map[string]string, error) {
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	vars, err := godotenv.UnmarshalBytes(data)
	if err == nil {
		return vars, nil
	}
	return nil, envSyntaxError{path: path, line: badEnvLine(data), why: envReason(err)}
}

// badEnvLine finds the line a parse error is on, with godotenv as the
// judge: one past the longest run of first lines that parses (a quoted
// value may span lines, so a shorter run can fail where the file does not).
func badEnvLine(data []byte) int {
	lines := bytes.SplitAfter(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n"))
	for n := len(lines) - 1; n > 0; n-- {
		if _, err := godotenv.UnmarshalBytes(bytes.Join(lines[:n], nil)); err == nil {
			return n + 1
		}
	}
	return 1
}

// envReason says what is wrong with a line, in words of our own.
func envReason(err error) string {
	switch msg := err.Error(); {
	case strings.HasPrefix(msg, "unexpected character"):
		return "a name holds a character names cannot have (only letters, digits, _ and .)"
	case strings.HasPrefix(msg, "unterminated quoted value"):
		return "a quoted value is not closed"
	}
	return "it is not NAME=value"
}
