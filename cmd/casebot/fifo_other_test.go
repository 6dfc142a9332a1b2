//go:build !unix

package main

import "testing"

// mkfifo makes a named pipe, and reports whether it did (there are none
// on Windows).
func mkfifo(t *testing.T, path string) bool { return false }
