//go:build linux

package echonet

import (
	"context"
	"fmt"
	"net"
	"syscall"
)

// listenUDP opens the client's socket and, when the group is multicast,
// joins it on the configured interface and sends multicast out of that
// interface. The standard library cannot join a group on a socket bound to
// an address of our choosing, hence the raw socket options.
func listenUDP(listen string, group *net.UDPAddr, ifname string) (*net.UDPConn, error) {
	var lc net.ListenConfig
	pc, err := lc.ListenPacket(context.Background(), "udp4", listen)
	if err != nil {
		return nil, fmt.Errorf("echonet: listen %s: %w", listen, err)
	}
	conn := pc.(*net.UDPConn)
	if !group.IP.IsMulticast() {
		return conn, nil
	}
	mreq := &syscall.IPMreqn{}
	copy(mreq.Multiaddr[:], group.IP.To4())
	if ifname != "" {
		ifi, err := net.InterfaceByName(ifname)
		if err != nil {
			conn.Close()
			return nil, fmt.Errorf("echonet: multicast interface %q: %w", ifname, err)
		}
		mreq.Ifindex = int32(ifi.Index)
	}
	if err := setMulticast(conn, mreq); err != nil {
		conn.Close()
		return nil, fmt.Errorf("echonet: join %v on %q: %w", group.IP, ifname, err)
	}
	return conn, nil
}

func setMulticast(conn *net.UDPConn, mreq *syscall.IPMreqn) error {
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	err = raw.Control(func(fd uintptr) {
		if serr = syscall.SetsockoptIPMreqn(int(fd), syscall.IPPROTO_IP, syscall.IP_ADD_MEMBERSHIP, mreq); serr != nil {
			serr = fmt.Errorf("IP_ADD_MEMBERSHIP: %w", serr)
			return
		}
		if mreq.Ifindex != 0 {
			out := &syscall.IPMreqn{Ifindex: mreq.Ifindex}
			if serr = syscall.SetsockoptIPMreqn(int(fd), syscall.IPPROTO_IP, syscall.IP_MULTICAST_IF, out); serr != nil {
				serr = fmt.Errorf("IP_MULTICAST_IF: %w", serr)
			}
		}
	})
	if err != nil {
		return err
	}
	return serr
}
