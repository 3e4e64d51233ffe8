package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v2"
	"golang.org/x/text/language"
)

// Lang is a language gwd and gwctl speak.
type Lang string

// The languages with a catalog.
const (
	English  Lang = "en"
	Japanese Lang = "ja"
)

//go:embed catalog/*.yaml
var catalogFS embed.FS

var (
	loadOnce sync.Once
	bundle   *goi18n.Bundle
	loadErr  error
	// localizers and entries are built once; entries holds each
	// language's messages as written, so a log record costs one map lookup.
	localizers map[Lang]*goi18n.Localizer
	entries    map[Lang]map[string]string
)

// ParseLang reads a --lang value or a locale such as ja_JP.UTF-8: "ja" and
// "ja_*", "ja-*", "japanese" are Japanese; "en", "C", "POSIX" and other
// English locales are English. Anything else is an error naming the value.
func ParseLang(s string) (Lang, error) {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "ja" || l == "japanese" || strings.HasPrefix(l, "ja_") || strings.HasPrefix(l, "ja-") || strings.HasPrefix(l, "ja."):
		return Japanese, nil
	case l == "en" || l == "english" || l == "c" || l == "posix" || strings.HasPrefix(l, "en_") ||
		strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en.") || strings.HasPrefix(l, "c."):
		return English, nil
	}
	return "", fmt.Errorf("language %q: want en or ja", s)
}

// Resolve picks the language: flag if set (and it must be valid), else
// FromEnv's.
func Resolve(flag string, getenv func(string) string) (Lang, error) {
	if flag != "" {
		return ParseLang(flag)
	}
	return FromEnv(getenv), nil
}

// FromEnv is the language of the locale: the first of LC_ALL, LC_MESSAGES
// and LANG that is set decides, as gettext does; a ja* locale means
// Japanese and any other English.
func FromEnv(getenv func(string) string) Lang {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "ja") {
				return Japanese
			}
			return English
		}
	}
	return English
}

func load() error {
	loadOnce.Do(func() {
		bundle = goi18n.NewBundle(language.English)
		bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
		entries = map[Lang]map[string]string{English: {}, Japanese: {}}
		files, err := fs.Glob(catalogFS, "catalog/*.yaml")
		if err != nil {
			loadErr = err
			return
		}
		for _, f := range files {
			mf, err := bundle.LoadMessageFileFS(catalogFS, f)
			if err != nil {
				loadErr = fmt.Errorf("catalog %s: %w", f, err)
				return
			}
			l, err := ParseLang(mf.Tag.String())
			if err != nil {
				loadErr = fmt.Errorf("catalog %s: %w", f, err)
				return
			}
			for _, m := range mf.Messages {
				entries[l][m.ID] = m.Other
			}
		}
		localizers = map[Lang]*goi18n.Localizer{
			English:  goi18n.NewLocalizer(bundle, string(English)),
			Japanese: goi18n.NewLocalizer(bundle, string(Japanese), string(English)),
		}
	})
	return loadErr
}

// T returns message id in lang with data filled in. A message missing in
// lang falls back to English; one missing from every catalog (a log message
// in English, or an untranslated one) is id itself, so nothing is lost.
func T(lang Lang, id string, data map[string]any) string {
	if err := load(); err != nil {
		return id
	}
	if s, ok := entries[lang][id]; ok && !strings.Contains(s, "{{") {
		return s
	}
	loc := localizers[lang]
	if loc == nil {
		loc = localizers[English]
	}
	s, err := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Messages returns a copy of lang's catalog entries as written, keyed by
// id, for tests and tools that check the catalogs.
func Messages(lang Lang) (map[string]string, error) {
	if err := load(); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(entries[lang]))
	for k, v := range entries[lang] {
		out[k] = v
	}
	return out, nil
}

// Log returns the log message msg, keyed by its English text, in lang: the
// catalog's entry, or msg itself when there is none. It is a map lookup, so
// it costs a log record next to nothing.
func Log(lang Lang, msg string) string {
	if lang == English || load() != nil {
		return msg
	}
	if s, ok := entries[lang][msg]; ok {
		return s
	}
	return msg
}
