package fetcher

import (
	"net"
	"net/netip"
	"syscall"
)

// Address classes refused unless the Options allow them. A feed URL comes from users and from
// redirects, so without these checks sitrep could be made to read internal services or a cloud
// metadata endpoint.
var (
	privatePrefixes = []netip.Prefix{
		netip.MustParsePrefix("10.0.0.0/8"),     // RFC 1918
		netip.MustParsePrefix("172.16.0.0/12"),  // RFC 1918
		netip.MustParsePrefix("192.168.0.0/16"), // RFC 1918
		netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT, RFC 6598
		netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking, RFC 2544, used inside networks
		netip.MustParsePrefix("fc00::/7"),       // unique local, RFC 4193
	}
	// Never a web server sitrep should read, whatever the Options.
	reservedPrefixes = []netip.Prefix{
		netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
		netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
		netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and the broadcast address
		netip.MustParsePrefix("100::/64"),        // discard-only
		netip.MustParsePrefix("2001:db8::/32"),   // documentation
		netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64
		netip.MustParsePrefix("fec0::/10"),       // deprecated site-local
		netip.MustParsePrefix("ff00::/8"),        // multicast (also caught by IsMulticast)
		netip.MustParsePrefix("169.254.0.0/16"),  // link-local (also caught below)
		netip.MustParsePrefix("224.0.0.0/4"),     // multicast
		netip.MustParsePrefix("::/128"),          // unspecified
		netip.MustParsePrefix("2001::/32"),       // Teredo: embeds an obfuscated IPv4
		netip.MustParsePrefix("2001:10::/28"),    // ORCHID
		netip.MustParsePrefix("2001:20::/28"),    // ORCHIDv2
		netip.MustParsePrefix("192.0.2.0/24"),    // documentation
		netip.MustParsePrefix("198.51.100.0/24"), // documentation
		netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	}
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// addressClass names why ip may not be dialled, or returns "" when it may.
func (o *Options) addressClass(ip netip.Addr) string {
	ip = ip.Unmap()
	// Addresses that embed an IPv4 address are judged by it: a NAT64 or 6to4 gateway would
	// otherwise carry requests to a private IPv4 network.
	if ip.Is6() {
		b := ip.As16()
		switch {
		case nat64.Contains(ip):
			return o.addressClass(netip.AddrFrom4([4]byte(b[12:16])))
		case sixToFour.Contains(ip):
			return o.addressClass(netip.AddrFrom4([4]byte(b[2:6])))
		}
	}
	switch {
	case !ip.IsValid():
		return "invalid"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.IsLoopback():
		if o.AllowLoopback {
			return ""
		}
		return "loopback"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		// Link-local includes 169.254.169.254, the cloud metadata service: never allowed.
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	}
	for _, p := range privatePrefixes {
		if p.Contains(ip) {
			if o.AllowPrivate {
				return ""
			}
			return "private"
		}
	}
	for _, p := range reservedPrefixes {
		if p.Contains(ip) {
			return "reserved"
		}
	}
	return ""
}

// control is the dialler's hook: it runs after name resolution, on the very address about to be
// connected, so it covers every redirect hop and a DNS answer that changes between lookups.
func (o *Options) control(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return &forbiddenError{addr: address, reason: "unparsable"}
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return &forbiddenError{addr: address, reason: "not an IP address"}
	}
	if class := o.addressClass(ip.WithZone("")); class != "" {
		return &forbiddenError{addr: ip.String(), reason: class}
	}
	return nil
}
