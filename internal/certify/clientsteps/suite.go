package clientsteps

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"time"

	"github.com/cucumber/godog"

	clientfeatures "github.com/kairos-conformance/kairos-conformance/features/client"
	"github.com/kairos-conformance/kairos-conformance/internal/certify"
	"github.com/kairos-conformance/kairos-conformance/internal/suite"
)

// Options configure a certification run of the client scenarios.
type Options struct {
	Run *certify.Run
	// Progress is told each scenario's verdict as soon as it has one.
	Progress func(*certify.ScenarioResult)
	// GodogOutput receives godog's own progress output; nil discards it.
	GodogOutput io.Writer
	// Features replaces the embedded feature files (tests only).
	Features fs.FS
}

// RunSuite runs every @client scenario, strictly, one at a time (key
// freshness is judged across the whole run), recording each verdict in
// opts.Run; then it runs again, under LC_ALL=C and LANG=C, every scenario
// whose payload has bytes beyond ASCII, so that a client whose bytes
// depend on the platform's charset shows it. Failing scenarios are not an
// error; an error means the suite could not run (feature files that do
// not parse).
func RunSuite(ctx context.Context, opts Options) error {
	if opts.Run == nil {
		return errors.New("clientsteps: no run")
	}
	features := opts.Features
	if features == nil {
		features = clientfeatures.FS
	}
	names, err := featureNames(features)
	if err != nil {
		return err
	}
	out := opts.GodogOutput
	if out == nil {
		out = io.Discard
	}
	for _, locale := range []string{"", certify.CLocale} {
		if err := runPass(ctx, opts, features, names, out, locale); err != nil {
			return err
		}
	}
	return nil
}

// runPass is one godog run over the client features.
func runPass(ctx context.Context, opts Options, features fs.FS, names map[string]string, out io.Writer, locale string) error {
	gs := godog.TestSuite{
		Name:                "kairos-client-certification",
		ScenarioInitializer: Initializer(opts.Run, names, opts.Progress, locale),
		Options: &godog.Options{
			Format:         "progress",
			Output:         out,
			NoColors:       true,
			Strict:         true,
			Concurrency:    1,
			Tags:           suite.ClientTag,
			FS:             features,
			Paths:          []string{"."},
			DefaultContext: ctx,
		},
	}
	if status := gs.Run(); status != 0 && status != 1 {
		return fmt.Errorf("clientsteps: godog could not run the client features (status %d)", status)
	}
	return nil
}

// everyScenarioStep names the check every scenario ends with in reports.
const everyScenarioStep = "(every scenario) each envelope that opens carries the payload file's bytes"

// Initializer makes each scenario's state and step definitions, and
// records its verdict in run when it ends. A locale (certify.CLocale)
// makes it the locale pass: the client runs under that locale, and the
// scenarios whose payload is ASCII only are left out.
func Initializer(run *certify.Run, featureNames map[string]string, progress func(*certify.ScenarioResult), locale string) func(*godog.ScenarioContext) {
	return func(sc *godog.ScenarioContext) {
		s := &scenario{run: run}
		var (
			started    time.Time
			failedStep string
		)
		sc.Before(func(ctx context.Context, p *godog.Scenario) (context.Context, error) {
			started = time.Now()
			if err := ctx.Err(); err != nil {
				return ctx, fmt.Errorf("not run: %w", context.Cause(ctx))
			}
			sess, err := run.NewSession(scenarioName(p.Name, locale))
			if err != nil {
				return ctx, err
			}
			sess.Locale = locale
			s.sess = sess
			return ctx, nil
		})
		sc.StepContext().After(func(ctx context.Context, st *godog.Step, status godog.StepResultStatus, err error) (context.Context, error) {
			if failedStep == "" && status != godog.StepPassed && status != godog.StepSkipped {
				failedStep = st.Text
			}
			return ctx, nil
		})
		sc.After(func(ctx context.Context, p *godog.Scenario, err error) (context.Context, error) {
			if s.notRerun {
				if s.sess != nil {
					s.sess.Close()
				}
				return ctx, nil
			}
			var hookErr error
			if err == nil && s.skipReason == "" && s.sess != nil {
				// Spec 3 step 1 in every scenario, whatever else it judges.
				if hookErr = s.payloadBytesEverywhere(); hookErr != nil {
					err, failedStep = hookErr, everyScenarioStep
				}
			}
			res := &certify.ScenarioResult{
				Feature: featureNames[p.Uri],
				Name:    scenarioName(p.Name, locale),
				Verdict: certify.VerdictPassed,
				Seconds: certify.Seconds(time.Since(started)),
			}
			for _, t := range p.Tags {
				res.Tags = append(res.Tags, t.Name)
			}
			if s.sess != nil {
				s.sess.Close()
				for _, a := range s.sess.Attempts {
					res.Runs = append(res.Runs, a.Summary())
				}
			}
			switch {
			case s.skipReason != "":
				res.Verdict, res.SkipReason = certify.VerdictSkipped, s.skipReason
			case err != nil:
				res.Verdict, res.FailedStep, res.Diagnosis = certify.VerdictFailed, failedStep, err.Error()
				res.Group, res.Mistakes = certify.GroupText(err), mistakes(err)
			}
			run.AddResult(res)
			if progress != nil {
				progress(res)
			}
			return ctx, hookErr
		})
		s.register(sc)
	}
}

// scenarioName is a scenario's name in the report: the locale pass's
// scenarios say so.
func scenarioName(name, locale string) string {
	if locale == "" {
		return name
	}
	return name + " (under " + locale + ")"
}

// payloadBytesEverywhere checks every request of the scenario whose
// envelope opened against the payload file's bytes.
func (s *scenario) payloadBytesEverywhere() error {
	for _, a := range s.sess.Attempts {
		for _, in := range a.Inspections {
			if err := in.CheckPayloadIfOpened(s.sess.Payload); err != nil {
				return s.prefix(a, err)
			}
		}
	}
	return nil
}

// mistakes names the known mistakes behind a step's error.
func mistakes(err error) []string {
	var d *certify.Diagnosis
	if errors.As(err, &d) {
		return d.Mistakes()
	}
	var f *certify.Finding
	if errors.As(err, &f) {
		return []string{f.Mistake}
	}
	if errors.Is(err, godog.ErrUndefined) || errors.Is(err, godog.ErrPending) || errors.Is(err, godog.ErrAmbiguous) {
		return []string{"harness-step-undefined"}
	}
	return nil
}

// featureNames maps each feature file to its Feature: title.
func featureNames(fsys fs.FS) (map[string]string, error) {
	names := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".feature") {
			return err
		}
		f, err := fsys.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "Feature:") {
				names[path] = strings.TrimSpace(strings.TrimPrefix(line, "Feature:"))
				break
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("clientsteps: reading the feature files: %w", err)
	}
	return names, nil
}
