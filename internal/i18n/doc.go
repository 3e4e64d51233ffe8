// Package i18n holds the message catalogs of gwd and gwctl, English and
// Japanese, embedded in the binaries, and picks the language from --lang or
// the locale environment.
//
// Two kinds of message live in the catalogs. Log messages are keyed by their
// English text, so the source reads as English and the English catalog is
// the source itself: catalog/log.ja.yaml maps each English log message to
// Japanese. gwctl's messages and help, and condition reasons, take
// parameters and would make poor keys, so they have stable ids
// ("gwctl.noServer") with the English text in catalog/en.yaml and the
// Japanese in catalog/ja.yaml. Attribute keys, field names, table headers
// and OCPP terms are never translated: parsers and operators' greps keep
// working in either language.
package i18n
