package labels

import (
	"fmt"
	"strings"
)

type tokKind int

const (
	tokEOF tokKind = iota
	tokIdent
	tokEq       // =
	tokDoubleEq // ==
	tokNotEq    // !=
	tokNot      // !
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokKind
	text string
	pos  int // byte offset in the source
}

func (t token) String() string {
	if t.kind == tokEOF {
		return "end of selector"
	}
	return fmt.Sprintf("%q", t.text)
}

// special holds the characters that end an identifier.
const special = "=!(),"

// lex splits s into tokens; the last one is always tokEOF. Identifiers are
// runs of anything that is neither space nor one of the special characters,
// so a bad key or value is reported whole by the parser.
func lex(s string) []token {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.HasPrefix(s[i:], "=="):
			toks = append(toks, token{tokDoubleEq, "==", i})
			i += 2
		case strings.HasPrefix(s[i:], "!="):
			toks = append(toks, token{tokNotEq, "!=", i})
			i += 2
		case c == '=':
			toks = append(toks, token{tokEq, "=", i})
			i++
		case c == '!':
			toks = append(toks, token{tokNot, "!", i})
			i++
		case c == '(':
			toks = append(toks, token{tokLParen, "(", i})
			i++
		case c == ')':
			toks = append(toks, token{tokRParen, ")", i})
			i++
		case c == ',':
			toks = append(toks, token{tokComma, ",", i})
			i++
		default:
			start := i
			for i < len(s) && !strings.ContainsRune(special+" \t\n\r", rune(s[i])) {
				i++
			}
			toks = append(toks, token{tokIdent, s[start:i], start})
		}
	}
	return append(toks, token{kind: tokEOF, pos: len(s)})
}
