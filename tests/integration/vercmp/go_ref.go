// Reference for the go scheme: golang.org/x/mod/semver (Debian golang-golang-x-mod-dev).
// Reads "A<TAB>B" lines from os.Args[1], prints -1, 0 or 1. OSV's Go versions have no "v";
// one is added, as portcullis's scheme does.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func withV(s string) string {
	if strings.HasPrefix(s, "v") {
		return s
	}
	return "v" + s
}

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	s := bufio.NewScanner(f)
	for s.Scan() {
		ab := strings.SplitN(s.Text(), "\t", 2)
		fmt.Fprintln(w, semver.Compare(withV(ab[0]), withV(ab[1])))
	}
}
