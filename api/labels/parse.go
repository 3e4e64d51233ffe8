package labels

import (
	"fmt"
	"slices"
)

// ParseError says where and why a selector does not parse.
type ParseError struct {
	Selector string
	Pos      int // 1-based byte position of the offending token
	Reason   string
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("invalid label selector %q: at position %d: %s", e.Selector, e.Pos, e.Reason)
}

// Parse reads a selector such as "app=x,tier!=db,env in (a,b),!legacy,owner".
// The forms are k=v, k==v, k!=v, k, !k, k in (a,b) and k notin (a,b); blank
// input selects everything. Keys and values must be valid label keys and values.
func Parse(s string) (Selector, error) {
	p := &parser{src: s, toks: lex(s)}
	if p.peek().kind == tokEOF {
		return Everything(), nil
	}
	var sel Selector
	for {
		r, err := p.requirement()
		if err != nil {
			return Selector{}, err
		}
		sel.reqs = append(sel.reqs, r)
		switch t := p.next(); t.kind {
		case tokEOF:
			return sel, nil
		case tokComma:
			if p.peek().kind == tokEOF {
				return Selector{}, p.errAt(t, "expected a requirement after ','")
			}
		default:
			return Selector{}, p.errAt(t, fmt.Sprintf("expected ',' or end of selector, got %s", t))
		}
	}
}

type parser struct {
	src  string
	toks []token
	i    int
}

func (p *parser) peek() token { return p.toks[p.i] }

func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tokEOF {
		p.i++
	}
	return t
}

func (p *parser) errAt(t token, reason string) error {
	return &ParseError{Selector: p.src, Pos: t.pos + 1, Reason: reason}
}

// requirement parses one term: "!key", "key", "key op value" or "key in (set)".
func (p *parser) requirement() (Requirement, error) {
	t := p.next()
	if t.kind == tokNot {
		k := p.next()
		if k.kind != tokIdent {
			return Requirement{}, p.errAt(k, fmt.Sprintf("expected a label key after '!', got %s", k))
		}
		if err := p.checkKey(k); err != nil {
			return Requirement{}, err
		}
		return Requirement{Key: k.text, Operator: DoesNotExist}, nil
	}
	if t.kind != tokIdent {
		return Requirement{}, p.errAt(t, fmt.Sprintf("expected a label key, got %s", t))
	}
	if err := p.checkKey(t); err != nil {
		return Requirement{}, err
	}
	r := Requirement{Key: t.text}
	op := p.peek()
	switch {
	case op.kind == tokEOF || op.kind == tokComma:
		r.Operator = Exists
		return r, nil
	case op.kind == tokEq || op.kind == tokDoubleEq:
		r.Operator = Equals
	case op.kind == tokNotEq:
		r.Operator = NotEquals
	case op.kind == tokIdent && (op.text == "in" || op.text == "notin"):
		p.next()
		r.Operator = Operator(op.text)
		vals, err := p.set(t.text)
		r.Values = vals
		return r, err
	default:
		return Requirement{}, p.errAt(op, fmt.Sprintf(`expected "=", "==", "!=", "in" or "notin" after key %q, got %s`, t.text, op))
	}
	p.next()
	v, err := p.value(op)
	r.Values = []string{v}
	return r, err
}

// value reads the right-hand side of = or !=; it may be empty, as a label value may be.
func (p *parser) value(op token) (string, error) {
	t := p.peek()
	switch t.kind {
	case tokEOF, tokComma:
		return "", nil
	case tokIdent:
		p.next()
		return t.text, p.checkValue(t)
	}
	return "", p.errAt(t, fmt.Sprintf("expected a label value after %q, got %s", op.text, t))
}

// set reads "(a, b, c)" after in/notin and returns the sorted distinct values.
func (p *parser) set(key string) ([]string, error) {
	t := p.next()
	if t.kind != tokLParen {
		return nil, p.errAt(t, fmt.Sprintf("expected '(' after the operator of key %q, got %s", key, t))
	}
	var vals []string
	for {
		v := p.next()
		if v.kind == tokRParen && len(vals) == 0 {
			return nil, p.errAt(v, fmt.Sprintf("the value set of key %q must not be empty", key))
		}
		if v.kind != tokIdent {
			return nil, p.errAt(v, fmt.Sprintf("expected a label value in the set of key %q, got %s", key, v))
		}
		if err := p.checkValue(v); err != nil {
			return nil, err
		}
		vals = append(vals, v.text)
		switch sep := p.next(); sep.kind {
		case tokComma:
		case tokRParen:
			slices.Sort(vals)
			return slices.Compact(vals), nil
		default:
			return nil, p.errAt(sep, fmt.Sprintf("expected ',' or ')' in the set of key %q, got %s", key, sep))
		}
	}
}

func (p *parser) checkKey(t token) error {
	if r := KeyProblem(t.text); r != "" {
		return p.errAt(t, r)
	}
	return nil
}

func (p *parser) checkValue(t token) error {
	if r := ValueProblem(t.text); r != "" {
		return p.errAt(t, r)
	}
	return nil
}
