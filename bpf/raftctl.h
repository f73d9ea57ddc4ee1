/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * raftctl wire format and map layouts, shared by the XDP program (bpf/) and read by the
 * binding through BTF. Only __u* fields with explicit padding: the layouts must be the same
 * for clang -target bpf and for any userspace reader.
 */
#ifndef RAFTCTL_H
#define RAFTCTL_H

#include <linux/types.h>

/* ---- Wire protocol: UDP over IPv4, all multi-byte fields in network byte order ---- */

#define RAFT_MAGIC	0x5246	/* "RF" */
#define RAFT_VERSION	1
#define RAFT_DEFAULT_PORT	5405

enum raft_msg_type {
	RAFT_MSG_VOTE_REQUEST = 1,
	RAFT_MSG_VOTE_RESPONSE = 2,
	RAFT_MSG_HEARTBEAT = 3,
	RAFT_MSG_HEARTBEAT_ACK = 4,
	/* PreVote (§9.6 of the Raft thesis): term = the term the sender would campaign in. */
	RAFT_MSG_PRE_VOTE_REQUEST = 5,
	/* term = the responder's current term, flag = granted; counted by the sender's userspace. */
	RAFT_MSG_PRE_VOTE_RESPONSE = 6,
	/* Reserved for a later version: leadership transfer. */
	RAFT_MSG_TIMEOUT_NOW = 7,
};

/* flags: VoteResponse and PreVoteResponse "granted", HeartbeatAck "success". */
#define RAFT_FLAG_OK	0x01

/* Every raft message is exactly this header: 32 bytes of UDP payload. */
struct raft_msg {
	__be16 magic;
	__u8 version;
	__u8 type;		/* enum raft_msg_type */
	__u8 flags;
	__u8 _pad[3];		/* zero on send, ignored on receive */
	__be32 cluster_id;
	__be32 sender_id;	/* node id of the sender, 1..65535 */
	__be64 term;
	__be64 echo;		/* sender's value, copied into the reply: matches replies to requests, RTT */
};

/* ---- Shared hard state: one 64-bit word, changed only by compare-and-swap on both sides ---- */

enum raft_role {
	RAFT_FOLLOWER = 0,
	RAFT_CANDIDATE = 1,
	RAFT_LEADER = 2,
};

/*
 * term, votedFor and role packed into one word so that the XDP program (any CPU) and the
 * raftctl process change them together atomically. Bits 0-45 term, 46-61 voted_for, 62-63 role.
 * Terms above RAFT_MAX_TERM cannot be represented: such messages are malformed and dropped.
 */
#define RAFT_TERM_BITS		46
#define RAFT_MAX_TERM		((1ULL << RAFT_TERM_BITS) - 1)
#define RAFT_VOTED_SHIFT	46
#define RAFT_ROLE_SHIFT		62
#define RAFT_MAX_NODE_ID	0xffff

struct raft_hard_fields {
	__u64 term:46;
	__u64 voted_for:16;	/* node id; 0 = none */
	enum raft_role role:2;
};

union raft_hard {
	__u64 word;
	struct raft_hard_fields f;
};

/*
 * Votes counted by a candidate: a bit per voting member index, tagged with the full term it
 * counts for. The program starts a fresh tally when the term differs, so userspace never has
 * to reset it and a vote of one term can never count in another. 46 bits of term leave 18 for
 * voters: a Raft cluster has at most 18 voting members here (learners need no bit).
 */
#define RAFT_MAX_MEMBERS	18
#define RAFT_TALLY_TERM_SHIFT	18

struct raft_tally_fields {
	__u64 voters:18;	/* bit i = member with index i granted */
	__u64 term:46;
};

union raft_tally {
	__u64 word;
	struct raft_tally_fields f;
};

/* Value of the one-entry mmapable array "raft_state". */
struct raft_state {
	union raft_hard hard;
	union raft_tally tally;
	__u64 timer_reset_ktime_ns;	/* last vote granted or heartbeat accepted: resets the election timer */
	__u64 leader_heard_ktime_ns;	/* last heartbeat accepted from leader_id */
	__u64 leader_term;		/* term leader_id was last reported in; 0 = report the next heartbeat */
	__u32 leader_id;		/* 0 = unknown */
	__u32 crashed;			/* non-zero: drop every raft packet (crash-simulate) */
};

/* Value of the one-entry array "raft_config", written by `raftctl run`. */
struct raft_config {
	__u32 node_id;		/* this node, 1..65535; 0 = not configured: every raft packet is dropped */
	__u32 cluster_size;	/* voting members, this node included; quorum = size / 2 + 1 */
	__u32 self_index;	/* this node's bit in the tally */
	__be32 self_addr;	/* this node's IPv4 address: frames to other addresses are not ours */
	__u64 term_limit;	/* 0 = none; else terms above it are refused until userspace raises it */
	__u64 election_timeout_min_ns;	/* T: a leader heard within T holds a lease, PreVotes are denied */
};

/* Key and value of the hash "raft_peers": every member (and learner) by IPv4 address. */
struct raft_peer_key {
	__be32 addr;
};

struct raft_peer {
	__u32 node_id;
	__u32 index;		/* bit in the tally, < RAFT_MAX_MEMBERS */
	__u32 voter;		/* 0 = learner: only its HeartbeatAcks are heard, never counted */
	__u32 _pad;
	__u64 last_ack_ktime_ns;	/* last successful HeartbeatAck from this peer */
	__u64 rtt_ns;			/* round trip of that ack, measured with the echoed send time */
	__u64 acks;
};

/* ---- Kernel -> userspace events, through the ring buffer "raft_events" ---- */

enum raft_event_type {
	RAFT_EV_TERM_ADOPTED = 1,	/* a higher term seen on a message that did nothing else */
	RAFT_EV_VOTE_GRANTED = 2,	/* peer = candidate */
	RAFT_EV_VOTE_DENIED = 3,	/* peer = candidate, value = its term */
	RAFT_EV_VOTE_COUNTED = 4,	/* peer = voter, value = votes so far */
	RAFT_EV_VOTE_REFUSED = 5,	/* peer = voter that said no */
	RAFT_EV_QUORUM_REACHED = 6,	/* became leader, value = votes */
	RAFT_EV_HEARTBEAT = 7,		/* heartbeat accepted, peer = leader */
	RAFT_EV_STALE_REJECTED = 8,	/* peer's term was lower, value = its term */
	RAFT_EV_ACK_RECEIVED = 9,	/* peer = follower, value = rtt in ns */
	RAFT_EV_TERM_LIMIT = 10,	/* message refused, value = its term above term_limit */
	RAFT_EV_CONTENDED = 11,		/* CAS retries exhausted; message dropped, sender retries */
	RAFT_EV_PRE_VOTE_GRANTED = 12,	/* peer = pre-candidate, value = the term it asked for */
	RAFT_EV_PRE_VOTE_DENIED = 13,	/* peer = pre-candidate, value = the term it asked for */
};

struct raft_event {
	__u64 ktime_ns;
	__u64 term;		/* term after the event */
	__u64 prev_term;	/* term before: lower than term means the message's term was adopted */
	__u64 value;
	__u32 peer_id;
	/* One byte each; declared as enum bitfields so BTF readers decode them by name. */
	enum raft_event_type type:8;
	enum raft_msg_type msg_type:8;	/* the message that caused it */
	enum raft_role role:8;		/* after */
	enum raft_role prev_role:8;	/* before */
};

/* Value of the one-entry array "raft_stats": packet counters, incremented atomically. */
struct raft_stats {
	__u64 rx;		/* raft messages accepted for processing */
	__u64 tx;		/* replies sent with XDP_TX */
	__u64 consumed;		/* responses and acks processed and dropped */
	__u64 passed;		/* frames that are not ours */
	__u64 malformed;	/* to our port but not a valid message */
	__u64 foreign;		/* other cluster id, non-member or our own id */
	__u64 crashed;		/* dropped while crash-simulated */
	__u64 refused;		/* above term_limit, or CAS contention */
	__u64 to_user;		/* PreVoteResponses passed up to raftctl's socket (counted there) */
};

#endif /* RAFTCTL_H */
