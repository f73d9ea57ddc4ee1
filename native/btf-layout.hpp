// SPDX-License-Identifier: GPL-2.0-only
// BTF types as plain JS trees, so TypeScript can decode map keys, values and ring-buffer records
// by field layout instead of by guessing offsets.
#pragma once

#include <bpf/btf.h>
#include <napi.h>

#include <string>

namespace raftctl {

/**
 * The layout of type `id` as {kind, size, ...}: int, enum, array, struct/union (members with bit
 * offsets and bitfield sizes), ptr or unknown. Typedefs and const/volatile are resolved; the
 * outermost typedef name is kept as `typedef`. A DATASEC (.rodata/.data/.bss) reads as a struct of
 * its variables.
 */
Napi::Value TypeLayout(Napi::Env env, const struct btf* btf, uint32_t id);

/** The layout of the struct, union, enum or typedef called `name`, or undefined. */
Napi::Value FindTypeLayout(Napi::Env env, const struct btf* btf, const std::string& name);

}  // namespace raftctl
