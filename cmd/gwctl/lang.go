package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ocppgw/ocppgw/api/client"
	"github.com/ocppgw/ocppgw/api/v1alpha1"
	"github.com/ocppgw/ocppgw/internal/i18n"
)

// execute runs one gwctl invocation in the language --lang or the locale
// in getenv asks for, with extra commands added to the tree, and returns
// its exit code. The language is read before cobra parses the flags
// because it is needed to build the help.
func execute(ctx context.Context, args []string, streams IOStreams, getenv func(string) string, extra ...*cobra.Command) int {
	lang, err := i18n.Resolve(langArg(args), getenv)
	if err != nil {
		return exitCode(fmt.Errorf("--lang: %w", err), streams)
	}
	streams.Lang = lang
	cmd := newRootCmd(streams)
	cmd.AddCommand(extra...)
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

// catalogError is an error whose text is a catalog entry: English in
// Error(), and in the user's language when printError shows it. Free
// functions that do not know the language return it.
type catalogError struct {
	id   string
	data map[string]any
}

func (e *catalogError) Error() string { return i18n.T(i18n.English, e.id, e.data) }

// localError returns the catalogError for id with kv as the template's
// fields in name, value pairs.
func localError(id string, kv ...any) error { return &catalogError{id: id, data: pairs(kv)} }

// errorText is err's message in lang. In English it is err.Error() as it
// always was. In another language the API failure inside err, if it is one
// people meet often, is replaced by the translated summary; the server's
// own words stay where the summary needs them, and field causes are
// printed below as they are.
func errorText(lang i18n.Lang, err error) string {
	var ce *catalogError
	var se *client.StatusError
	switch {
	case lang == i18n.English || lang == "":
		return err.Error()
	case errors.As(err, &ce):
		return strings.Replace(err.Error(), ce.Error(), i18n.T(lang, ce.id, ce.data), 1)
	case errors.Is(err, syscall.ECONNREFUSED):
		return i18n.T(lang, "gwctl.unreachable", map[string]any{"Error": err.Error()})
	case !errors.As(err, &se):
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
	case v1alpha1.ReasonUnauthorized:
		return "gwctl.status.unauthorized"
	case v1alpha1.ReasonForbidden:
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

// localizeHelp translates the headings of cobra's usage text and the help
// command, so that a help page is in one language. Flag names, command
// names and the usage line stay as typed.
func (o *rootOptions) localizeHelp(cmd *cobra.Command) {
	if o.lang == i18n.English || o.lang == "" {
		return
	}
	cmd.InitDefaultHelpCmd()
	for _, c := range cmd.Commands() {
		if c.Name() == "help" {
			c.Short, c.Long = o.t("gwctl.help.short"), o.t("gwctl.help.long")
		}
	}
	tmpl := cmd.UsageTemplate()
	for _, h := range []struct{ en, id string }{
		{"Usage:", "gwctl.usage.usage"},
		{"Aliases:", "gwctl.usage.aliases"},
		{"Examples:", "gwctl.usage.examples"},
		{"Available Commands:", "gwctl.usage.commands"},
		{"Additional Commands:", "gwctl.usage.additionalCommands"},
		{"Global Flags:", "gwctl.usage.globalFlags"},
		{"\nFlags:", "gwctl.usage.flags"},
		{"Additional help topics:", "gwctl.usage.helpTopics"},
	} {
		text := o.t(h.id)
		if strings.HasPrefix(h.en, "\n") {
			text = "\n" + text
		}
		tmpl = strings.Replace(tmpl, h.en, text, 1)
	}
	// The catalog's text keeps cobra's own field for the command path.
	more := o.t("gwctl.usage.more", "CommandPath", "{{.CommandPath}}")
	tmpl = strings.Replace(tmpl, `Use "{{.CommandPath}} [command] --help" for more information about a command.`, more, 1)
	cmd.SetUsageTemplate(tmpl)
}
