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
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "service base URL (loopback only)")
	client := flag.String("client", "demo", "client id")
	secret := flag.String("secret", "demo-secret", "client secret")
	count := flag.Int("n", 10000, "distinct tokens to mint")
	workers := flag.Int("workers", 32, "concurrent requests")
	out := flag.String("out", "tokens.txt", "one token per line")
	firstSight := flag.String("first-sight", "", "instead of minting: verify every token of this file once through forward-auth, and report the rate")
	flag.Parse()
	if !strings.HasPrefix(*base, "http://127.0.0.1") && !strings.HasPrefix(*base, "http://localhost") {
		fmt.Fprintln(os.Stderr, "mint: only loopback targets")
		os.Exit(2)
	}

	httpClient := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *workers}}
	if *firstSight != "" {
		content, err := os.ReadFile(*firstSight)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mint:", err)
			os.Exit(1)
		}
		verifyAll(httpClient, *base, strings.Fields(string(content)), *workers)
		return
	}
	form := url.Values{"grant_type": {"client_credentials"}}.Encode()
	// One request alone first: the service checks a client secret against its bcrypt hash once,
	// and 32 concurrent first requests would all pay for it.
	if _, err := mintOne(httpClient, *base, *client, *secret, form); err != nil {
		fmt.Fprintln(os.Stderr, "mint:", err)
		os.Exit(1)
	}
	tokens := make([]string, *count)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed sync.Once
	for w := 0; w < *workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				token, err := mintOne(httpClient, *base, *client, *secret, form)
				if err != nil {
					failed.Do(func() { fmt.Fprintln(os.Stderr, "mint:", err); os.Exit(1) })
				}
				tokens[i] = token
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

// verifyAll sends every token once to forward-auth: the rate of first-sight verifications, each a
// full signature check, and afterwards every token is in the service's verified-token cache, as
// it would be for clients that reuse their tokens.
func verifyAll(httpClient *http.Client, base string, tokens []string, workers int) {
	jobs := make(chan string)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failures := 0
	started := time.Now()
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for token := range jobs {
				req, _ := http.NewRequest("GET", base+"/forward-auth/", nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := httpClient.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					mu.Lock()
					failures++
					mu.Unlock()
				}
			}
		}()
	}
	for _, token := range tokens {
		jobs <- token
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(started).Seconds()
	fmt.Printf("first-sight forward-auth: %d tokens in %.1f s = %.0f req/s with %d workers, %d failures\n",
		len(tokens), elapsed, float64(len(tokens))/elapsed, workers, failures)
}

// mintOne asks for one token, retrying a 503 (a starved machine can time out a Redis command)
// a few times with a growing pause; any other failure is final.
func mintOne(httpClient *http.Client, base, client, secret, form string) (string, error) {
	for attempt := 0; ; attempt++ {
		req, _ := http.NewRequest("POST", base+"/oauth2/token", strings.NewReader(form))
		req.SetBasicAuth(client, secret)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := httpClient.Do(req)
		if err != nil {
			return "", err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusServiceUnavailable && attempt < 5 {
			time.Sleep(time.Duration(100<<attempt) * time.Millisecond)
			continue
		}
		var parsed struct {
			AccessToken string `json:"access_token"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &parsed) != nil || parsed.AccessToken == "" {
			return "", fmt.Errorf("%d %s", resp.StatusCode, body)
		}
		return parsed.AccessToken, nil
	}
}
