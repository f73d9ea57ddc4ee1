// SPDX-License-Identifier: GPL-2.0
/*
 * raftctl XDP program: answers Raft's election RPCs (Ongaro & Ousterhout, §5.2, §5.4.1)
 * in the kernel. VoteRequests, PreVoteRequests (thesis §9.6) and Heartbeats are answered with
 * XDP_TX; VoteResponses and HeartbeatAcks are counted here and consumed; PreVoteResponses are
 * passed up to raftctl's socket, which runs the pre-vote. The hard state (term, votedFor, role) is one
 * word in an mmapable array, changed only by compare-and-swap so that the raftctl process,
 * which runs the timers, can change it too without ever losing an update.
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

/* Fixed at attach time through the object's .rodata. */
const volatile __u16 raft_port = RAFT_DEFAULT_PORT;
const volatile __u32 raft_cluster_id = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct raft_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} raft_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct raft_config);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} raft_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct raft_peer_key);
	__type(value, struct raft_peer);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} raft_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} raft_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct raft_stats);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} raft_stats SEC(".maps");

/* Keep the event layout in the object's BTF so userspace can decode ring-buffer records by name. */
const volatile struct raft_event raft_event_layout = {};

#define RAFT_MSG_LEN	((int)sizeof(struct raft_msg))
#define RAFT_UDP_LEN	((int)sizeof(struct udphdr) + RAFT_MSG_LEN)
#define CAS_TRIES	4
#define IP_MF		0x2000
#define IP_OFFSET	0x1fff
#define VLAN_MAX_DEPTH	2
#define RTT_MAX_NS	10000000000ULL	/* an echo older than 10 s is not a round trip of ours */

/* A single read the compiler may not tear or repeat (clang 14's BPF backend has no atomic load). */
#define READ_ONCE(x)	(*(volatile typeof(x) *)&(x))

struct vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct cursor {
	void *pos;
	void *end;
};

/* Everything a message handler needs, gathered once. */
struct rx {
	struct raft_event *ev;
	struct raft_state *st;
	struct raft_config *cfg;
	struct raft_peer *peer;
	struct raft_msg *msg;
	__u64 now;
	__u64 term;		/* message term, host order */
	__u32 sender;
};

static __always_inline __u64 hard_pack(__u64 term, __u32 voted_for, __u32 role)
{
	return (term & RAFT_MAX_TERM) | ((__u64)(voted_for & RAFT_MAX_NODE_ID) << RAFT_VOTED_SHIFT) |
	       ((__u64)role << RAFT_ROLE_SHIFT);
}

static __always_inline __u64 hard_term(__u64 w)
{
	return w & RAFT_MAX_TERM;
}

static __always_inline __u32 hard_voted_for(__u64 w)
{
	return (w >> RAFT_VOTED_SHIFT) & RAFT_MAX_NODE_ID;
}

static __always_inline __u32 hard_role(__u64 w)
{
	return w >> RAFT_ROLE_SHIFT;
}

/* Ethernet plus up to two VLAN tags; returns the inner ethertype (network order) or -1. */
static __always_inline int parse_ethhdr(struct cursor *c, struct ethhdr **eth)
{
	struct ethhdr *e = c->pos;
	struct vlan_hdr *vh;
	__be16 proto;
	int i;

	if ((void *)(e + 1) > c->end)
		return -1;
	*eth = e;
	c->pos = e + 1;
	proto = e->h_proto;
#pragma unroll
	for (i = 0; i < VLAN_MAX_DEPTH; i++) {
		if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD))
			break;
		vh = c->pos;
		if ((void *)(vh + 1) > c->end)
			return -1;
		proto = vh->proto;
		c->pos = vh + 1;
	}
	return proto;
}

/* IPv4 with its real header length (IHL, options included); fragments are never ours. */
static __always_inline int parse_iphdr(struct cursor *c, struct iphdr **iph)
{
	struct iphdr *h = c->pos;
	int hdr_len;

	if ((void *)(h + 1) > c->end)
		return -1;
	if (h->version != 4 || h->ihl < 5)
		return -1;
	hdr_len = h->ihl * 4;
	if (c->pos + hdr_len > c->end)
		return -1;
	if (h->frag_off & bpf_htons(IP_MF | IP_OFFSET))
		return -1;
	*iph = h;
	c->pos += hdr_len;
	return h->protocol;
}

/*
 * The IPv4 header checksum, options included: the stack would drop a corrupt header, so a raft
 * message behind one must not change state either. (The UDP checksum cannot be checked here:
 * locally sent packets on veth carry only a partial one.)
 */
static __always_inline int ip_checksum_ok(struct iphdr *iph, void *end)
{
	__u16 *word = (__u16 *)iph;
	__u32 *option = (__u32 *)(iph + 1);
	__u32 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < (int)sizeof(*iph) / 2; i++)
		sum += word[i];
	for (i = 0; i < 10 && i < iph->ihl - 5; i++) {	/* options: at most 10 words of 4 bytes */
		/* keep the bounds check on the pointer itself, as the verifier wants it */
		asm volatile("" : "+r"(option));
		if ((void *)(option + 1) > end)
			return 0;
		sum += (*option & 0xffff) + (*option >> 16);
		option++;
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

static __always_inline int parse_udphdr(struct cursor *c, struct udphdr **udp)
{
	struct udphdr *h = c->pos;

	if ((void *)(h + 1) > c->end)
		return -1;
	*udp = h;
	c->pos = h + 1;
	return bpf_ntohs(h->dest);
}

/*
 * The message, if the lengths say it is exactly one: the UDP length field decides, not the frame
 * length (short frames are padded on the wire), and the IP total length must agree with it.
 */
static __always_inline struct raft_msg *parse_raft_msg(struct cursor *c, struct iphdr *iph,
							struct udphdr *udp)
{
	struct raft_msg *msg = c->pos;

	if ((void *)(msg + 1) > c->end)
		return NULL;
	if (bpf_ntohs(udp->len) != RAFT_UDP_LEN)
		return NULL;
	if (bpf_ntohs(iph->tot_len) != iph->ihl * 4 + RAFT_UDP_LEN)
		return NULL;
	if (msg->magic != bpf_htons(RAFT_MAGIC) || msg->version != RAFT_VERSION)
		return NULL;
	return msg;
}

/* Full UDP checksum of the 40-byte datagram: the reply is valid whatever the NIC offloads. */
static __always_inline __u16 udp_checksum(struct iphdr *iph, struct udphdr *udp)
{
	__u16 *word = (__u16 *)udp;
	__u32 sum = 0;
	int i;

	sum += (iph->saddr >> 16) + (iph->saddr & 0xffff);
	sum += (iph->daddr >> 16) + (iph->daddr & 0xffff);
	sum += bpf_htons(IPPROTO_UDP) + udp->len;
	udp->check = 0;
#pragma unroll
	for (i = 0; i < RAFT_UDP_LEN / 2; i++)
		sum += word[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return sum ? sum : 0xffff;
}

/* Turn the request into its reply in place and bounce it; the UDP checksum is recomputed. */
static __always_inline int send_reply(struct ethhdr *eth, struct iphdr *iph, struct udphdr *udp,
				       struct rx *rx, __u8 type, __u8 flags, __u64 term)
{
	struct raft_msg *msg = rx->msg;

	bounce_frame(eth, iph, udp);
	msg->type = type;
	msg->flags = flags;
	msg->_pad[0] = msg->_pad[1] = msg->_pad[2] = 0;
	msg->sender_id = bpf_htonl(rx->cfg->node_id);
	msg->term = bpf_cpu_to_be64(term);
	udp->check = udp_checksum(iph, udp);
	return XDP_TX;
}

static __always_inline void note_event(struct rx *rx, __u8 type, __u64 prev, __u64 next, __u64 value)
{
	struct raft_event *ev = rx->ev;

	ev->type = type;
	ev->msg_type = rx->msg->type;
	ev->peer_id = rx->sender;
	ev->prev_term = hard_term(prev);
	ev->prev_role = hard_role(prev);
	ev->term = hard_term(next);
	ev->role = hard_role(next);
	ev->value = value;
}

/* Rule 1: a higher term is adopted first, as a follower that has not voted in it. */
static __always_inline __u64 adopt_term(__u64 w, __u64 term)
{
	if (term > hard_term(w))
		return hard_pack(term, 0, RAFT_FOLLOWER);
	return w;
}

/*
 * Apply next = decide(prev) atomically: retried while another CPU or userspace changed the
 * word in between. Returns 0 when the word settled on `*next`, -1 when contention outlasted
 * CAS_TRIES (the message is dropped; the sender retransmits).
 */
#define HARD_CAS(st, prev, next, decide)						\
	({										\
		int __ret = -1, __i;							\
		for (__i = 0; __i < CAS_TRIES; __i++) {					\
			prev = READ_ONCE((st)->hard.word);	\
			next = (decide);						\
			if (next == prev ||						\
			    __sync_val_compare_and_swap(&(st)->hard.word, prev, next) == prev) { \
				__ret = 0;						\
				break;							\
			}								\
		}									\
		__ret;									\
	})

static __always_inline __u64 decide_vote(__u64 w, __u64 term, __u32 candidate)
{
	__u32 voted_for;

	w = adopt_term(w, term);
	voted_for = hard_voted_for(w);
	if (term < hard_term(w) || (voted_for && voted_for != candidate))
		return w;
	return hard_pack(hard_term(w), candidate, hard_role(w));
}

/* Rule 2: grant iff not voted in this term or voted for this very candidate. */
static __always_inline int on_vote_request(struct rx *rx, struct ethhdr *eth, struct iphdr *iph,
					   struct udphdr *udp)
{
	__u64 prev, next;
	int granted;

	if (HARD_CAS(rx->st, prev, next, decide_vote(prev, rx->term, rx->sender))) {
		note_event(rx, RAFT_EV_CONTENDED, prev, prev, 0);
		return XDP_DROP;
	}
	granted = rx->term == hard_term(next) && hard_voted_for(next) == rx->sender;
	if (granted) {
		rx->st->timer_reset_ktime_ns = rx->now;
		note_event(rx, RAFT_EV_VOTE_GRANTED, prev, next, rx->term);
	} else {
		note_event(rx, rx->term < hard_term(next) ? RAFT_EV_STALE_REJECTED : RAFT_EV_VOTE_DENIED,
			   prev, next, rx->term);
	}
	return send_reply(eth, iph, udp, rx, RAFT_MSG_VOTE_RESPONSE, granted ? RAFT_FLAG_OK : 0,
			  hard_term(next));
}

static __always_inline __u64 decide_heartbeat(__u64 w, __u64 term)
{
	w = adopt_term(w, term);
	/* A leader never hears a heartbeat of its own term while votes are counted right. */
	if (term < hard_term(w) || hard_role(w) == RAFT_LEADER)
		return w;
	return hard_pack(hard_term(w), hard_voted_for(w), RAFT_FOLLOWER);
}

/* Rule 4: a current leader is followed and acked; a stale one learns our term. */
static __always_inline int on_heartbeat(struct rx *rx, struct ethhdr *eth, struct iphdr *iph,
					struct udphdr *udp)
{
	__u64 prev, next;
	int accepted, news;

	if (HARD_CAS(rx->st, prev, next, decide_heartbeat(prev, rx->term))) {
		note_event(rx, RAFT_EV_CONTENDED, prev, prev, 0);
		return XDP_DROP;
	}
	accepted = rx->term == hard_term(next) && hard_role(next) == RAFT_FOLLOWER;
	if (accepted) {
		/*
		 * Only news is reported: userspace reads timer_reset_ktime_ns before an election timeout,
		 * so a record per heartbeat would only wake the follower's process every interval.
		 */
		news = prev != next || rx->st->leader_id != rx->sender || rx->st->leader_term != rx->term;
		rx->st->leader_id = rx->sender;
		rx->st->leader_term = rx->term;
		rx->st->leader_heard_ktime_ns = rx->now;
		rx->st->timer_reset_ktime_ns = rx->now;
		if (news)
			note_event(rx, RAFT_EV_HEARTBEAT, prev, next, 0);
	} else {
		note_event(rx, RAFT_EV_STALE_REJECTED, prev, next, rx->term);
	}
	return send_reply(eth, iph, udp, rx, RAFT_MSG_HEARTBEAT_ACK, accepted ? RAFT_FLAG_OK : 0,
			  hard_term(next));
}

/*
 * Thesis §9.6: a PreVote changes nothing here (no term adopted, no vote, no timer reset). Granted
 * iff the asked term is above ours, we do not lead, and no leader was heard within the minimum
 * election timeout (the leader lease, §4.2.3): a node cut off from a healthy leader cannot win it.
 */
static __always_inline int on_pre_vote_request(struct rx *rx, struct ethhdr *eth, struct iphdr *iph,
					       struct udphdr *udp)
{
	__u64 heard = READ_ONCE(rx->st->leader_heard_ktime_ns);
	__u64 w = READ_ONCE(rx->st->hard.word);
	int leased, granted;

	leased = heard && heard + rx->cfg->election_timeout_min_ns > rx->now;
	/*
	 * A pre-vote promises the real vote could follow: above the term limit it could not (the
	 * VoteRequest would be refused until userspace persists a higher limit, and never if no
	 * process runs), and granting anyway lets a candidate raise its term without end.
	 */
	granted = rx->term > hard_term(w) && hard_role(w) != RAFT_LEADER && !leased &&
		  (!rx->cfg->term_limit || rx->term <= rx->cfg->term_limit);
	note_event(rx, granted ? RAFT_EV_PRE_VOTE_GRANTED : RAFT_EV_PRE_VOTE_DENIED, w, w, rx->term);
	return send_reply(eth, iph, udp, rx, RAFT_MSG_PRE_VOTE_RESPONSE, granted ? RAFT_FLAG_OK : 0,
			  hard_term(w));
}

/*
 * Rule 1 for a response: adopt its higher term and stop there (-1), or go on with the current
 * hard state in *w (0).
 */
static __always_inline int settle_response_term(struct rx *rx, __u64 *w)
{
	__u64 prev, next;

	if (HARD_CAS(rx->st, prev, next, adopt_term(prev, rx->term))) {
		note_event(rx, RAFT_EV_CONTENDED, prev, prev, 0);
		return -1;
	}
	if (next != prev) {
		note_event(rx, RAFT_EV_TERM_ADOPTED, prev, next, 0);
		return -1;
	}
	*w = next;
	return 0;
}

/*
 * Count one member's vote for `term` in the tally word; returns the number of votes counted for
 * that term (self included), or 0 if contention outlasted CAS_TRIES.
 */
static __always_inline __u32 count_vote(struct raft_state *st, struct raft_config *cfg,
					 struct raft_peer *peer, __u64 term)
{
	__u64 self_bit, bit, prev, next;
	int i;

	if (peer->index >= RAFT_MAX_MEMBERS || cfg->self_index >= RAFT_MAX_MEMBERS)
		return 0;
	bit = 1ULL << peer->index;
	self_bit = 1ULL << cfg->self_index;
	for (i = 0; i < CAS_TRIES; i++) {
		prev = READ_ONCE(st->tally.word);
		if (prev >> RAFT_TALLY_TERM_SHIFT == term)
			next = prev | bit;
		else	/* the first vote of a new term starts a fresh tally */
			next = (term << RAFT_TALLY_TERM_SHIFT) | self_bit | bit;
		if (next == prev || __sync_val_compare_and_swap(&st->tally.word, prev, next) == prev)
			return __builtin_popcountll(next & ((1ULL << RAFT_TALLY_TERM_SHIFT) - 1));
	}
	return 0;
}

/* Rule 3: count granted votes of the current term once per voting member; a quorum makes a leader. */
static __always_inline int on_vote_response(struct rx *rx)
{
	__u64 next, candidate, leader;
	__u32 votes;

	if (settle_response_term(rx, &next))
		return XDP_DROP;
	if (rx->term != hard_term(next) || hard_role(next) != RAFT_CANDIDATE || !rx->peer->voter)
		return XDP_DROP;
	if (!(rx->msg->flags & RAFT_FLAG_OK)) {
		note_event(rx, RAFT_EV_VOTE_REFUSED, next, next, 0);
		return XDP_DROP;
	}
	votes = count_vote(rx->st, rx->cfg, rx->peer, rx->term);
	if (votes < rx->cfg->cluster_size / 2 + 1) {
		note_event(rx, RAFT_EV_VOTE_COUNTED, next, next, votes);
		return XDP_DROP;
	}
	/* Only from exactly (term, self, candidate): a concurrent step-down or new term wins. */
	candidate = hard_pack(rx->term, rx->cfg->node_id, RAFT_CANDIDATE);
	leader = hard_pack(rx->term, rx->cfg->node_id, RAFT_LEADER);
	if (__sync_val_compare_and_swap(&rx->st->hard.word, candidate, leader) == candidate) {
		rx->st->leader_id = rx->cfg->node_id;
		rx->st->leader_term = rx->term;
		note_event(rx, RAFT_EV_QUORUM_REACHED, candidate, leader, votes);
	} else {
		note_event(rx, RAFT_EV_VOTE_COUNTED, next, next, votes);
	}
	return XDP_DROP;
}

/* A leader records who acked its term and the round trip; a higher term makes it step down. */
static __always_inline int on_heartbeat_ack(struct rx *rx)
{
	__u64 next, echo, rtt = 0;

	if (settle_response_term(rx, &next))
		return XDP_DROP;
	if (!(rx->msg->flags & RAFT_FLAG_OK) || rx->term != hard_term(next) ||
	    hard_role(next) != RAFT_LEADER)
		return XDP_DROP;
	echo = bpf_be64_to_cpu(rx->msg->echo);
	if (echo <= rx->now && rx->now - echo < RTT_MAX_NS)
		rtt = rx->now - echo;
	rx->peer->last_ack_ktime_ns = rx->now;
	rx->peer->rtt_ns = rtt;
	__sync_fetch_and_add(&rx->peer->acks, 1);
	note_event(rx, RAFT_EV_ACK_RECEIVED, next, next, rtt);
	return XDP_DROP;
}

/*
 * Pre-votes are counted by raftctl, not here: pass the response up to its socket. A refusal
 * carries the responder's term, adopted by rule 1 first; a grant carries the responder's term
 * too, which is at most ours (it granted a term above it), so its term never matters.
 */
static __always_inline int on_pre_vote_response(struct rx *rx)
{
	__u64 prev, next;

	if (rx->msg->flags & RAFT_FLAG_OK)
		return XDP_PASS;
	if (HARD_CAS(rx->st, prev, next, adopt_term(prev, rx->term))) {
		note_event(rx, RAFT_EV_CONTENDED, prev, prev, 0);
		return XDP_DROP;
	}
	if (next != prev)
		note_event(rx, RAFT_EV_TERM_ADOPTED, prev, next, 0);
	return XDP_PASS;
}

SEC("xdp")
int raft_xdp(struct xdp_md *ctx)
{
	struct cursor c = { .pos = (void *)(long)ctx->data, .end = (void *)(long)ctx->data_end };
	struct raft_event ev = {};
	struct raft_stats *stats;
	struct raft_peer_key key;
	struct ethhdr *eth;
	struct iphdr *iph;
	struct udphdr *udp;
	__u64 *counter;
	struct rx rx = { .ev = &ev };
	int action = XDP_PASS;
	__u32 zero = 0;

	stats = bpf_map_lookup_elem(&raft_stats, &zero);
	if (!stats)
		return XDP_PASS;
	counter = &stats->passed;

	if (parse_ethhdr(&c, &eth) != bpf_htons(ETH_P_IP))
		goto out;
	if (parse_iphdr(&c, &iph) != IPPROTO_UDP)
		goto out;
	if (parse_udphdr(&c, &udp) != raft_port)
		goto out;
	rx.st = bpf_map_lookup_elem(&raft_state, &zero);
	rx.cfg = bpf_map_lookup_elem(&raft_config, &zero);
	if (!rx.st || !rx.cfg)
		goto out;
	/* Frames for other hosts (flooded by a bridge, broadcast) are not ours to answer. */
	if (rx.cfg->node_id && iph->daddr != rx.cfg->self_addr)
		goto out;

	/* From here on the frame is addressed to us: anything wrong with it is dropped. */
	action = XDP_DROP;
	counter = &stats->malformed;
	if (!ip_checksum_ok(iph, c.end))
		goto out;
	rx.msg = parse_raft_msg(&c, iph, udp);
	if (!rx.msg)
		goto out;
	rx.term = bpf_be64_to_cpu(rx.msg->term);
	rx.sender = bpf_ntohl(rx.msg->sender_id);
	if (rx.term > RAFT_MAX_TERM || rx.sender > RAFT_MAX_NODE_ID ||
	    rx.msg->type < RAFT_MSG_VOTE_REQUEST || rx.msg->type > RAFT_MSG_PRE_VOTE_RESPONSE)
		goto out;

	counter = &stats->foreign;
	if (!rx.cfg->node_id || !rx.cfg->cluster_size)
		goto out;
	key.addr = iph->saddr;
	rx.peer = bpf_map_lookup_elem(&raft_peers, &key);
	if (bpf_ntohl(rx.msg->cluster_id) != raft_cluster_id || !rx.peer ||
	    rx.peer->node_id != rx.sender || rx.sender == rx.cfg->node_id)
		goto out;
	/* A learner never campaigns or leads: only its acks are heard. */
	if (!rx.peer->voter && rx.msg->type != RAFT_MSG_HEARTBEAT_ACK)
		goto out;

	counter = &stats->crashed;
	if (rx.st->crashed)
		goto out;

	counter = &stats->refused;
	rx.now = bpf_ktime_get_ns();
	/* A PreVoteRequest changes no state, so the limit on unpersisted terms does not apply to it. */
	if (rx.cfg->term_limit && rx.term > rx.cfg->term_limit &&
	    rx.msg->type != RAFT_MSG_PRE_VOTE_REQUEST) {
		__u64 w = rx.st->hard.word;

		note_event(&rx, RAFT_EV_TERM_LIMIT, w, w, rx.term);
		goto out;
	}

	__sync_fetch_and_add(&stats->rx, 1);
	switch (rx.msg->type) {
	case RAFT_MSG_VOTE_REQUEST:
		action = on_vote_request(&rx, eth, iph, udp);
		break;
	case RAFT_MSG_HEARTBEAT:
		action = on_heartbeat(&rx, eth, iph, udp);
		break;
	case RAFT_MSG_VOTE_RESPONSE:
		action = on_vote_response(&rx);
		break;
	case RAFT_MSG_PRE_VOTE_REQUEST:
		action = on_pre_vote_request(&rx, eth, iph, udp);
		break;
	case RAFT_MSG_PRE_VOTE_RESPONSE:
		action = on_pre_vote_response(&rx);
		break;
	default:
		action = on_heartbeat_ack(&rx);
		break;
	}
	counter = action == XDP_TX ? &stats->tx : action == XDP_PASS ? &stats->to_user : &stats->consumed;
	if (ev.type == RAFT_EV_CONTENDED)
		counter = &stats->refused;
out:
	__sync_fetch_and_add(counter, 1);
	if (ev.type) {
		ev.ktime_ns = rx.now ? rx.now : bpf_ktime_get_ns();
		/*
		 * Acks come every interval from every follower, and waking the reader for each was most
		 * of a leader's CPU: they wait for the next other event or the reader's poll timeout.
		 * Nothing urgent rides on them: check-quorum reads raft_peers' last_ack_ktime_ns.
		 */
		bpf_ringbuf_output(&raft_events, &ev, sizeof(ev),
				   ev.type == RAFT_EV_ACK_RECEIVED ? BPF_RB_NO_WAKEUP : 0);
	}
	return action;
}

char LICENSE[] SEC("license") = "GPL";
