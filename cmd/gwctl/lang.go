package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// execute runs one gwctl invocation in the language --lang or the locale
// in getenv asks for, and returns its exit code. The language is read
// before cobra parses the flags because it is needed to build the help.
func execute(ctx context.Context, args []string, streams IOStreams, getenv func(string) string) int {
	lang, err := i18n.Resolve(langArg(args), getenv)
	if err != nil {
		return exitCode(fmt.Errorf("--lang: %w", err), streams)
	}
	streams.Lang = lang
	cmd := newRootCmd(streams)
	cmd.SetArgs(args)
	return exitCode(cmd.ExecuteContext(ctx), streams)
}

// langArg returns the value of the last --lang in args before "--", or "".
func langArg(args []string) string {
	v := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return v
		case strings.HasPrefix(a, "--lang="):
			v = strings.TrimPrefix(a, "--lang=")
		case a == "--lang" && i+1 < len(args):
			v = args[i+1]
			i++
		}
	}
	return v
}

// t returns the catalog's text for id in the invocation's language; kv are
// the template's fields as name, value pairs.
func (o *rootOptions) t(id string, kv ...any) string {
	return i18n.T(o.lang, id, pairs(kv))
}

func pairs(kv []any) map[string]any {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return m
}

// errorText is err's message in lang. In English it is err.Error() as it
// always was. In another language the API failure inside err, if it is one
// people meet often, is replaced by the translated summary; the server's
// own words stay where the summary needs them, and field causes are
// printed below as they are.
func errorText(lang i18n.Lang, err error) string {
	var se *client.StatusError
	if lang == i18n.English || lang == "" || !errors.As(err, &se) {
		return err.Error()
	}
	st := se.Status
	data := map[string]any{"Message": st.Message, "Kind": "", "Name": "", "Causes": 0}
	if d := st.Details; d != nil {
		data["Kind"], data["Name"], data["Causes"] = d.Kind, d.Name, len(d.Causes)
	}
	id := statusID(st.Reason, data["Kind"] != "" && data["Name"] != "", data["Causes"] != 0)
	if id == "" {
		return err.Error()
	}
	return strings.Replace(err.Error(), se.Error(), i18n.T(lang, id, data), 1)
}

// statusID is the catalog id for an API failure people meet often, or "".
func statusID(reason v1alpha1.StatusReason, named, causes bool) string {
	switch reason {
	case v1alpha1.ReasonNotFound:
		if named {
			return "gwctl.status.notFound"
		}
		return "gwctl.status.notFoundUnnamed"
	case v1alpha1.ReasonAlreadyExists:
		if named {
			return "gwctl.status.alreadyExists"
		}
		return "gwctl.status.alreadyExistsUnnamed"
	case v1alpha1.ReasonConflict:
		return "gwctl.status.conflict"
	case v1alpha1.ReasonInvalid, v1alpha1.ReasonBadRequest:
		if causes {
			return "gwctl.status.invalid"
		}
		return "gwctl.status.invalidMessage"
	case "Unauthorized":
		return "gwctl.status.unauthorized"
	case "Forbidden":
		return "gwctl.status.forbidden"
	}
	return ""
}

// conditionMessage is a condition's message as describe shows it. Stored
// messages are English: they are API data that every client, dashboard and
// alert reads alike. In Japanese the reason's explanation from the catalog
// comes first, and the stored message follows for its details.
func conditionMessage(lang i18n.Lang, c v1alpha1.Condition) string {
	if lang == i18n.English || lang == "" || c.Reason == "" {
		return c.Message
	}
	id := "reason." + c.Reason
	explained := i18n.T(lang, id, nil)
	switch {
	case explained == id:
		return c.Message
	case c.Message == "":
		return explained
	}
	return explained + ": " + c.Message
}
