package watch

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kairos-conformance/kairos-conformance/internal/netfault"
)

var errReset = fmt.Errorf("read: %w", syscall.ECONNRESET)

func TestStreakStopsTheRun(t *testing.T) {
	var causes []error
	w := New("http://t", 3, func(err error) { causes = append(causes, err) })
	timeout := &netfault.DeadlineError{After: 2 * time.Second, Err: context.DeadlineExceeded}
	w.Observe(Exchange{Err: timeout})
	w.Observe(Exchange{Err: errReset})
	w.Observe(Exchange{Answered: true, Body: []byte(`{}`)}) // an answer breaks the streak
	w.Observe(Exchange{Err: timeout})
	w.Observe(Exchange{Err: context.Canceled}) // the run's own cancellation: ignored
	w.Observe(Exchange{Err: errReset})
	if w.Stopped() != nil {
		t.Fatal("stopped after two in a row")
	}
	w.Observe(Exchange{Err: timeout})
	w.Observe(Exchange{Err: timeout}) // stop is called once
	if len(causes) != 1 || w.Stopped() == nil {
		t.Fatalf("stop called %d times, Stopped %v", len(causes), w.Stopped())
	}
	var stopped *StoppedError
	if !errors.As(causes[0], &stopped) {
		t.Fatalf("cause %T", causes[0])
	}
	want := "the target at http://t stopped answering: 3 exchanges in a row got no answer (the last: timeout: no complete answer within 2s)"
	if got := causes[0].Error(); got != want {
		t.Errorf("cause\n got %s\nwant %s", got, want)
	}
}

func TestBodyFaultsAreAnswers(t *testing.T) {
	w := New("http://t", 2, nil)
	w.Observe(Exchange{Err: errReset})
	w.Observe(Exchange{Answered: true, Err: errors.New("the response body ended after 10 of the 1000 bytes")})
	w.Observe(Exchange{Err: errReset})
	if w.Stopped() != nil {
		t.Fatal("a short body counted as no answer")
	}
}

func TestStopAtOnce(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	w := New("http://t", 0, cancel)
	w.Stop("the target at http://t did not answer the probe: connection reset by the target")
	if ctx.Err() == nil || context.Cause(ctx).Error() != "the target at http://t did not answer the probe: connection reset by the target" {
		t.Fatalf("cause %v", context.Cause(ctx))
	}
}

func TestDiagnosis(t *testing.T) {
	html := Exchange{Answered: true, ContentType: "text/html; charset=utf-8", Body: []byte("<html>")}
	json := Exchange{Answered: true, ContentType: "application/json", Body: []byte(` {"api-response-code": 400}`)}
	for _, tc := range []struct {
		name string
		xs   []Exchange
		want string
	}{
		{"all HTML", repeat(html, 330), "the target at http://t is not speaking Kairos: 330 of 330 answers were text/html"},
		{"mostly HTML", append(repeat(html, 3), json, json), "the target at http://t is not speaking Kairos: 3 of 5 answers were text/html"},
		{"half HTML", append(repeat(html, 2), json, json), ""},
		{"Kairos", repeat(json, 10), ""},
		{"nothing answered", repeat(Exchange{Err: errReset}, 2), ""},
		{"mixed", []Exchange{html, html, {Answered: true, ContentType: "text/plain", Body: []byte("ok")}, {Answered: true}},
			"the target at http://t is not speaking Kairos: 4 of 4 answers were not JSON (2 text/html, 1 text/plain, 1 without a Content-Type)"},
	} {
		w := New("http://t", 1000, nil)
		for _, x := range tc.xs {
			w.Observe(x)
		}
		if got := w.Diagnosis(); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestConcurrentObserve(t *testing.T) {
	w := New("http://t", 0, func(error) {})
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				w.Observe(Exchange{Err: errReset})
				w.Diagnosis()
			}
		}()
	}
	wg.Wait()
	if w.Stopped() == nil {
		t.Fatal("800 resets did not stop the run")
	}
}

func repeat(x Exchange, n int) []Exchange {
	out := make([]Exchange, n)
	for i := range out {
		out[i] = x
	}
	return out
}
