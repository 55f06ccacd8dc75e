// Command envoy-bootstrap checks an Envoy v3 bootstrap file (YAML) against Envoy's own API, as
// go-control-plane generates it from Envoy's protos: every field name must exist (protojson, no
// unknown fields), every typed_config must name a type linked in below, every message, including
// the contents of each typed_config, must pass its protoc-gen-validate rules (ValidateAll), and no
// field Envoy marks deprecated may be set. It does not run Envoy: what a field does is not checked.
//
// Usage: envoy-bootstrap FILE   exits 0 and prints what it checked, or 1 with every violation.
package main

import (
	"fmt"
	"os"

	bootstrapv3 "github.com/envoyproxy/go-control-plane/envoy/config/bootstrap/v3"
	// The extensions a recipe may name in typed_config: linked in so that their Any types resolve.
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/ext_authz/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/header_mutation/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/http/router/v3"
	_ "github.com/envoyproxy/go-control-plane/envoy/extensions/filters/network/http_connection_manager/v3"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/known/anypb"
	"sigs.k8s.io/yaml"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: envoy-bootstrap FILE")
		os.Exit(2)
	}
	checked, problems := check(os.Args[1])
	for _, problem := range problems {
		fmt.Fprintln(os.Stderr, problem)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("valid: %d typed_config\n", checked)
}

// check returns the number of typed_config it unpacked and every violation found.
func check(file string) (int, []error) {
	source, err := os.ReadFile(file)
	if err != nil {
		return 0, []error{err}
	}
	asJSON, err := yaml.YAMLToJSON(source)
	if err != nil {
		return 0, []error{fmt.Errorf("not YAML: %w", err)}
	}
	var bootstrap bootstrapv3.Bootstrap
	// DiscardUnknown false: a misspelt field is an error, as it is to Envoy.
	if err := (protojson.UnmarshalOptions{}).Unmarshal(asJSON, &bootstrap); err != nil {
		return 0, []error{fmt.Errorf("not an envoy.config.bootstrap.v3.Bootstrap: %w", err)}
	}
	c := &checker{}
	c.message("", &bootstrap)
	return c.anys, c.problems
}

type checker struct {
	anys     int
	problems []error
}

// message validates m and everything below it. ValidateAll recurses into nested messages but not
// into an Any's contents, so each Any is unpacked and checked as a message of its own.
func (c *checker) message(path string, m proto.Message) {
	if v, ok := m.(interface{ ValidateAll() error }); ok {
		if err := v.ValidateAll(); err != nil {
			c.problems = append(c.problems, fmt.Errorf("%s: %w", display(path, m), err))
		}
	}
	c.walk(path, m.ProtoReflect())
}

func (c *checker) walk(path string, m protoreflect.Message) {
	if a, ok := m.Interface().(*anypb.Any); ok {
		inner, err := a.UnmarshalNew()
		if err != nil {
			c.problems = append(c.problems, fmt.Errorf("%s: %w", path, err))
			return
		}
		c.anys++
		c.message(path, inner)
		return
	}
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		at := path + "." + string(fd.Name())
		if opts, ok := fd.Options().(*descriptorpb.FieldOptions); ok && opts.GetDeprecated() {
			c.problems = append(c.problems, fmt.Errorf("%s: deprecated in %s", at, fd.ContainingMessage().FullName()))
		}
		if fd.Kind() != protoreflect.MessageKind && fd.Kind() != protoreflect.GroupKind {
			return true
		}
		switch {
		case fd.IsList():
			list := v.List()
			for i := 0; i < list.Len(); i++ {
				c.walk(fmt.Sprintf("%s[%d]", at, i), list.Get(i).Message())
			}
		case fd.IsMap():
			if fd.MapValue().Kind() == protoreflect.MessageKind {
				v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
					c.walk(fmt.Sprintf("%s[%v]", at, k.Interface()), mv.Message())
					return true
				})
			}
		default:
			c.walk(at, v.Message())
		}
		return true
	})
}

func display(path string, m proto.Message) string {
	if path == "" {
		return string(m.ProtoReflect().Descriptor().FullName())
	}
	return path + " (" + string(m.ProtoReflect().Descriptor().FullName()) + ")"
}
