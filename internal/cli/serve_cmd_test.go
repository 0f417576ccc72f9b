package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestServe starts the server on a free port, reads its URL from stdout,
// makes a request, cancels the context (what SIGINT does) and expects a
// graceful exit 0.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	outR, outW := io.Pipe()
	var stderr bytes.Buffer
	exit := make(chan int, 1)
	go func() {
		code := runServe(ctx, []string{"--addr", "127.0.0.1:0", "--quiet"}, nil, outW, &stderr)
		outW.Close()
		exit <- code
	}()
	lines := bufio.NewScanner(outR)
	if !lines.Scan() {
		t.Fatalf("no output; stderr: %s", stderr.String())
	}
	url, ok := strings.CutPrefix(lines.Text(), "Kairos reference server on ")
	if !ok || !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("first line %q", lines.Text())
	}
	var banner strings.Builder
	go func() { // keep draining stdout so that the server never blocks on it
		for lines.Scan() {
			banner.WriteString(lines.Text() + "\n")
		}
	}()

	resp, err := http.Post(url+"/kairos-apis/pull", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Code int `json:"api-response-code"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || body.Code != 210 || resp.Header.Get("request-id") == "" {
		t.Errorf("pull {}: %v, code %d, headers %v", err, body.Code, resp.Header)
	}

	cancel()
	select {
	case code := <-exit:
		if code != exitOK {
			t.Errorf("exit %d; stderr: %s", code, stderr.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop")
	}
}

func TestServeBanner(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // print the banner, then stop at once
	var stdout, stderr bytes.Buffer
	if code := runServe(ctx, []string{"--addr", "127.0.0.1:0", "--show-secrets", "--fault", "skip-checksum"}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"healthy-multicast", "HealthM1", "HealthM1_public.key", "19d46f35edf31d7d", "FAULT: skip-checksum", "no-did-dialer  ", "rotatable-dialer"} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(stderr.String(), "WARNING: fault skip-checksum") {
		t.Errorf("no warning on stderr: %s", stderr.String())
	}

	stdout.Reset()
	runServe(ctx, []string{"--addr", "127.0.0.1:0"}, nil, &stdout, &stderr)
	if strings.Contains(stdout.String(), "19d46f35edf31d7d") || !strings.Contains(stdout.String(), "--show-secrets") {
		t.Errorf("security ids shown without --show-secrets:\n%s", stdout.String())
	}
}

func TestServeUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--fault", "bogus"}, exitUsage, `--fault: unknown fault "bogus"`},
		{[]string{"--world", "no/such.yaml"}, exitUsage, "--world: world: open no/such.yaml"},
		{[]string{"--addr", "256.0.0.1:0"}, exitUsage, "--addr:"},
		{[]string{"--port", "1"}, exitUsage, "-port"},
		{[]string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{[]string{"--fault", "list"}, exitOK, ""},
		{[]string{"--log-level", "loud"}, exitUsage, `--log-level: "loud": want debug, info, warn or error`},
		{[]string{"--export", "/dev/null/x"}, exitUsage, "--export: mkdir /dev/null"},
		{[]string{"-h"}, exitOK, "--show-secrets"},
	} {
		var stdout, stderr bytes.Buffer
		code := runServe(context.Background(), c.args, nil, &stdout, &stderr)
		if code != c.code || !strings.Contains(stderr.String(), strings.TrimPrefix(c.want, "-")) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", c.args, code, stderr.String(), c.code, c.want)
		}
	}
	var stdout bytes.Buffer
	runServe(context.Background(), []string{"--fault", "list"}, nil, &stdout, io.Discard)
	if !strings.Contains(stdout.String(), "wrong-code-207") || !strings.Contains(stdout.String(), "leak-decryption-stage") {
		t.Errorf("fault list:\n%s", stdout.String())
	}
}
