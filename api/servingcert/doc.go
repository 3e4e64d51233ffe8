// Package servingcert is the admin API's HTTPS certificate: made
// self-signed at gwd's first start and kept as a tls Secret in the store,
// so its key is encrypted at rest like every Secret, or taken from a tls
// Secret or PEM files the operator provides. The certificate is read
// again whenever its Secret changes, so replacing it needs no restart.
//
// gwctl trusts exactly the certificate gwd serves: gwd writes it into
// gwctl.yaml as certificateAuthorityData, and Go accepts a certificate
// that is itself among the roots, so the file pins it.
package servingcert
