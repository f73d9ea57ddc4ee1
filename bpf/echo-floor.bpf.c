// SPDX-License-Identifier: GPL-2.0
/*
 * The floor of `raftctl bench` (figure 8): the least a follower can do to answer a Heartbeat.
 * Attached to a test host as a learner of the leader, it turns each Heartbeat into a successful
 * HeartbeatAck in place and bounces it, with no map, no state, no event and no rule, so the
 * leader's measured round trip is what the links, the XDP hooks and the leader's own path cost.
 * raftctl's heartbeat round trip divided by this one is the price of running Raft in the kernel.
 *
 * It knows no configuration (iproute2 loads it, and cannot set .rodata): the port is the
 * cluster's, and the sender id is the last byte of the host's address, which is the frame's
 * destination. It cannot tell its own address from another's, so a heartbeat flooded by the
 * bridge to another raft node would be answered too: use it only where the leader heartbeats
 * nobody but echo hosts (a one-node cluster).
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "raftctl.h"
#include "bounce.h"

/* The cluster harness's raft port (src/cluster/names.ts CLUSTER_RAFT_PORT). */
#define FLOOR_PORT	RAFT_DEFAULT_PORT
#define RAFT_UDP_LEN	((int)(sizeof(struct udphdr) + sizeof(struct raft_msg)))
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff

SEC("xdp")
int echo_floor(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct raft_msg *msg;
	struct udphdr *udp;
	struct iphdr *iph;
	int action = XDP_PASS;

	/* VLAN-tagged frames are not ours: the cluster's links carry none. */
	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		goto out;
	iph = (void *)(eth + 1);
	if ((void *)(iph + 1) > data_end || iph->version != 4 || iph->ihl < 5)
		goto out;
	/* Fragments are never ours; a first fragment would carry a header that lies about the rest. */
	if (iph->protocol != IPPROTO_UDP || iph->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		goto out;
	/* The real header length, options included. */
	udp = (void *)iph + iph->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(FLOOR_PORT))
		goto out;
	msg = (void *)(udp + 1);
	if ((void *)(msg + 1) > data_end)
		goto out;
	/* The UDP length decides, not the frame length: short frames are padded on the wire. */
	if (udp->len != bpf_htons(RAFT_UDP_LEN) || bpf_ntohs(iph->tot_len) != iph->ihl * 4 + RAFT_UDP_LEN)
		goto out;
	if (msg->magic != bpf_htons(RAFT_MAGIC) || msg->version != RAFT_VERSION ||
	    msg->type != RAFT_MSG_HEARTBEAT)
		goto out;

	/*
	 * The leader's ack check (on_heartbeat_ack) wants magic, version and cluster id as sent,
	 * our id as its peers map has it, the success flag, its own term and its own echo: all but
	 * the id and the flag are already right, so only those and the type change.
	 */
	msg->type = RAFT_MSG_HEARTBEAT_ACK;
	msg->flags = RAFT_FLAG_OK;
	msg->sender_id = bpf_htonl(bpf_ntohl(iph->daddr) & 0xff);

	bounce_frame(eth, iph, udp);
	/* Zero is "no checksum" on IPv4 (RFC 768): valid whatever the offload, and the least work. */
	udp->check = 0;
	action = XDP_TX;
out:
	return action;
}

char LICENSE[] SEC("license") = "GPL";
