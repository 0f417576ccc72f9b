package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The helpers below read command lines out of documents (the README, the
// CI examples, the Dockerfile) and hold them to the runner's real
// subcommands and flags.

// shellWords splits a command line as sh would for simple commands: words
// separated by blanks, '...' and "..." quoting, \ escaping; a # starting a
// word begins a comment. Expansions ($VAR) are left as they are.
func shellWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unterminated ' in %q", line)
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) {
					j++
				}
				cur.WriteByte(line[j])
			}
			if j >= len(line) {
				return nil, fmt.Errorf("unterminated \" in %q", line)
			}
			i = j
			inWord = true
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			inWord = true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case c == '#' && !inWord:
			return words, nil
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// runnerHelp is what `runner [SUBCOMMAND] -h` prints, and the subcommand
// args name ("run" for flags only).
func runnerHelp(t *testing.T, args []string) (sub, help string) {
	t.Helper()
	sub = "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub = args[0]
	}
	if _, ok := subcommands()[sub]; !ok {
		t.Fatalf("%q: no such runner command (args %q)", sub, args)
	}
	helpArgs := []string{sub, "-h"}
	if sub == "envelope" && len(args) > 1 {
		sub += " " + args[1]
		helpArgs = []string{"envelope", args[1], "-h"}
	}
	var out, errOut strings.Builder
	Run(context.Background(), helpArgs, strings.NewReader(""), &out, &errOut)
	return sub, out.String() + errOut.String()
}

// checkRunnerFlags fails the test for every flag in args that the
// runner's help for that command does not define.
func checkRunnerFlags(t *testing.T, where string, args []string) {
	t.Helper()
	sub, help := runnerHelp(t, args)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" || (name == "version" && sub == "run") {
			continue
		}
		if !definesFlag(help, name) {
			t.Errorf("%s: runner %s has no flag %s", where, sub, a)
			continue
		}
		if !hasValue && !isBoolFlag(help, name) {
			i++ // its value, which may start with "-" (--seed -1)
		}
	}
}

// isBoolFlag: the help lists the flag with no value name ("  -list" alone
// on its line), as the flag package does for booleans.
func isBoolFlag(help, name string) bool {
	return strings.Contains(help, "  -"+name+"\n") || strings.Contains(help, "  --"+name+"\n")
}

// definesFlag reports whether a help text lists the flag: "  -name" as the
// flag package prints it, or "  --name" as the envelope commands do.
func definesFlag(help, name string) bool {
	for _, dashes := range []string{"  -", "  --"} {
		for _, after := range []string{" ", "\n", "\t"} {
			if strings.Contains(help, dashes+name+after) {
				return true
			}
		}
	}
	return false
}

func TestShellWords(t *testing.T) {
	for in, want := range map[string]string{
		`a b  c`:                    "a|b|c",
		`--tags '@a && ~@b' x`:      "--tags|@a && ~@b|x",
		`--name "a \"b\"" # a note`: `--name|a "b"`,
		`a\ b c#d`:                  "a b|c#d",
	} {
		got, err := shellWords(in)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("shellWords(%q): Expected %q, Actual %q %v", in, want, strings.Join(got, "|"), err)
		}
	}
}
