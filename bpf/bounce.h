/* SPDX-License-Identifier: GPL-2.0 */
/* Turning a received IPv4/UDP frame around in XDP, shared by raftctl's program and the bench's echo. */
#ifndef RAFTCTL_BOUNCE_H
#define RAFTCTL_BOUNCE_H

#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

/*
 * Swap source and destination of the Ethernet, IPv4 and UDP headers in place, so XDP_TX sends
 * the frame back where it came from. Swapped words leave the one's-complement sum, and so the
 * IPv4 header checksum, valid; the UDP checksum is the caller's.
 */
static __always_inline void bounce_frame(struct ethhdr *eth, struct iphdr *iph, struct udphdr *udp)
{
	unsigned char mac[ETH_ALEN];
	__be32 addr;
	__be16 port;

	__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
}

#endif /* RAFTCTL_BOUNCE_H */
