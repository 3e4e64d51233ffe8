//go:build !linux

package echonet

import (
	"fmt"
	"net"
)

// listenUDP on systems other than Linux supports unicast groups only; the
// gateway ships for Linux, where multicast membership is set up explicitly.
func listenUDP(listen string, group *net.UDPAddr, ifname string) (*net.UDPConn, error) {
	if group.IP.IsMulticast() {
		return nil, fmt.Errorf("echonet: multicast group %v: joining is implemented for Linux only", group)
	}
	addr, err := net.ResolveUDPAddr("udp4", listen)
	if err != nil {
		return nil, fmt.Errorf("echonet: listen %s: %w", listen, err)
	}
	conn, err := net.ListenUDP("udp4", addr)
	if err != nil {
		return nil, fmt.Errorf("echonet: listen %s: %w", listen, err)
	}
	return conn, nil
}
