package manifest

// The registered protocols (drivers/linked), as gwd and gwctl link them:
// the template library and the example sites use them.
import _ "github.com/ocppgw/ocppgw/drivers/linked"
