// Command kstatus prints what sigs.k8s.io/cli-utils' kstatus, the library Flux and kpt wait with,
// computes for one object: reads the object as JSON on stdin, writes {"status", "message"} as JSON.
// With -argocd-health FILE it also runs the Argo CD health check of that argocd-cm fragment with
// gopher-lua, Argo CD's Lua interpreter, and adds {"argocd": {"status", "message"}}. The operator's
// tests run it on the AuthServices the operator wrote, so "Failed for a missing Secret" is asserted
// with the real rules rather than a copy of them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	lua "github.com/yuin/gopher-lua"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
	"sigs.k8s.io/yaml"
)

const argocdHealthKey = "resource.customizations.health.gatehouse.dev_AuthService"

func main() {
	argocdHealth := flag.String("argocd-health", "", "an argocd-cm fragment with the AuthService health check")
	flag.Parse()
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(err)
	}
	// Unstructured's own decoder keeps integers as int64, as the API machinery's readers expect.
	object := &unstructured.Unstructured{}
	if err := object.UnmarshalJSON(input); err != nil {
		fail(err)
	}
	result, err := status.Compute(object)
	if err != nil {
		fail(err)
	}
	out := map[string]interface{}{"status": result.Status.String(), "message": result.Message}
	if *argocdHealth != "" {
		health, err := runArgocdHealth(*argocdHealth, input)
		if err != nil {
			fail(err)
		}
		out["argocd"] = health
	}
	printed, err := json.Marshal(out)
	if err != nil {
		fail(err)
	}
	fmt.Println(string(printed))
}

// runArgocdHealth runs the check as Argo CD does: the object as the global table obj, the script's
// returned table read for status and message.
func runArgocdHealth(file string, objectJSON []byte) (map[string]string, error) {
	fragment, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var configMap struct {
		Data map[string]string `json:"data"`
	}
	if err := yaml.Unmarshal(fragment, &configMap); err != nil {
		return nil, err
	}
	script, ok := configMap.Data[argocdHealthKey]
	if !ok {
		return nil, fmt.Errorf("%s has no data key %s", file, argocdHealthKey)
	}
	var object interface{}
	if err := json.Unmarshal(objectJSON, &object); err != nil {
		return nil, err
	}
	state := lua.NewState(lua.Options{SkipOpenLibs: false})
	defer state.Close()
	state.SetGlobal("obj", toLua(state, object))
	if err := state.DoString(script); err != nil {
		return nil, err
	}
	returned, ok := state.Get(-1).(*lua.LTable)
	if !ok {
		return nil, fmt.Errorf("the health check returned %s, not a table", state.Get(-1).Type())
	}
	return map[string]string{
		"status":  returned.RawGetString("status").String(),
		"message": returned.RawGetString("message").String(),
	}, nil
}

// toLua converts decoded JSON into Lua values: objects and arrays into tables, numbers into
// numbers, as Argo CD hands an object to its health checks.
func toLua(state *lua.LState, value interface{}) lua.LValue {
	switch v := value.(type) {
	case map[string]interface{}:
		table := state.NewTable()
		for key, item := range v {
			table.RawSetString(key, toLua(state, item))
		}
		return table
	case []interface{}:
		table := state.NewTable()
		for _, item := range v {
			table.Append(toLua(state, item))
		}
		return table
	case string:
		return lua.LString(v)
	case float64:
		return lua.LNumber(v)
	case bool:
		return lua.LBool(v)
	default:
		return lua.LNil
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "kstatus:", err)
	os.Exit(1)
}
