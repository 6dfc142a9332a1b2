//go:build unix

package main

import (
	"syscall"
	"testing"
)

// mkfifo makes a named pipe, and reports whether it did (there are none
// on Windows).
func mkfifo(t *testing.T, path string) bool {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}
