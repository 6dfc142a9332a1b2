package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := &cli{ctx: ctx, getenv: os.Getenv, stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		isSet: func(k string) bool { _, ok := os.LookupEnv(k); return ok }}
	code := c.run(os.Args[1:])
	stop()
	os.Exit(code)
}
