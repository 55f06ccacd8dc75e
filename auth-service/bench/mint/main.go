// Command mint issues N distinct access tokens through the token endpoint (client_credentials),
// for the benchmark's token mix: real clients reuse their tokens, but a single repeated token
// would flatter every cache. Standard library only, so `go run` needs no download.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "service base URL (loopback only)")
	client := flag.String("client", "demo", "client id")
	secret := flag.String("secret", "demo-secret", "client secret")
	count := flag.Int("n", 10000, "distinct tokens to mint")
	workers := flag.Int("workers", 32, "concurrent requests")
	out := flag.String("out", "tokens.txt", "one token per line")
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.0.0.1") && !strings.HasPrefix(*base, "http://localhost") {
		fmt.Fprintln(os.Stderr, "mint: only loopback targets")
		os.Exit(2)
	}

	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	tokens := make([]string, *count)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed sync.Once
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				req, _ := http.NewRequest("POST", *base+"/oauth2/token", strings.NewReader(form))
				req.SetBasicAuth(*client, *secret)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := httpClient.Do(req)
				if err != nil {
					failed.Do(func() { fmt.Fprintln(os.Stderr, "mint:", err); os.Exit(1) })
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				var parsed struct {
					AccessToken string `json:"access_token"`
				}
				if resp.StatusCode != 200 || json.Unmarshal(body, &parsed) != nil || parsed.AccessToken == "" {
					failed.Do(func() { fmt.Fprintf(os.Stderr, "mint: %d %s\n", resp.StatusCode, body); os.Exit(1) })
				}
				tokens[i] = parsed.AccessToken
			}
		}()
	}
	for i := 0; i < *count; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	distinct := map[string]bool{}
	for _, t := range tokens {
		distinct[t] = true
	}
	if len(distinct) != *count {
		fmt.Fprintf(os.Stderr, "mint: only %d distinct tokens\n", len(distinct))
		os.Exit(1)
	}
	if err := os.WriteFile(*out, []byte(strings.Join(tokens, "\n")+"\n"), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, "mint:", err)
		os.Exit(1)
	}
	fmt.Printf("minted %d distinct tokens into %s\n", len(distinct), *out)
}
