package ocpp

// Hooks for the external tests: the two validation paths apart.

// ValidateSlow validates with jsonschema alone.
func ValidateSlow(action, kind string, payload []byte) error {
	_, err := check(action, kind, payload, false)
	return err
}

// FastConforms reports whether validation passed payload on the fast
// checks alone.
func FastConforms(action, kind string, payload []byte) bool {
	byFast, _ := check(action, kind, payload, true)
	return byFast
}

// SchemasWithoutFastChecks lists the schemas that have no fast checks.
func SchemasWithoutFastChecks() []string {
	c, err := loadSchemas()
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for name := range c.schemas {
		if c.fast[name] == nil {
			out = append(out, name)
		}
	}
	return out
}
