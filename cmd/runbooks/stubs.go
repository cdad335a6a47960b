package main

import (
	"context"
	"errors"
)

func runServe(ctx context.Context, e env, args []string) error {
	return &exitError{exitUsage, errors.New("not yet")}
}
