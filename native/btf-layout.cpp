// SPDX-License-Identifier: GPL-2.0-only
#include "btf-layout.hpp"

namespace raftctl {

namespace {

// Deep enough for any real map value; guards against malformed BTF.
constexpr int kMaxDepth = 64;

std::string NameOf(const struct btf* btf, const struct btf_type* type) {
  const char* name = btf__name_by_offset(btf, type->name_off);
  return name != nullptr ? name : "";
}

Napi::Object Node(Napi::Env env, const char* kind, int64_t size) {
  Napi::Object node = Napi::Object::New(env);
  node.Set("kind", kind);
  node.Set("size", static_cast<double>(size));
  return node;
}

Napi::Object Build(Napi::Env env, const struct btf* btf, uint32_t id, int depth);

Napi::Object Member(Napi::Env env, const struct btf* btf, const std::string& name, uint32_t bit_offset,
                    uint32_t bit_size, uint32_t type_id, int depth) {
  Napi::Object member = Napi::Object::New(env);
  member.Set("name", name);
  member.Set("bitOffset", bit_offset);
  member.Set("bitSize", bit_size);
  member.Set("type", Build(env, btf, type_id, depth + 1));
  return member;
}

Napi::Object Composite(Napi::Env env, const struct btf* btf, const struct btf_type* type, int depth) {
  Napi::Object node = Node(env, btf_is_union(type) ? "union" : "struct", type->size);
  node.Set("name", NameOf(btf, type));
  const struct btf_member* members = btf_members(type);
  Napi::Array list = Napi::Array::New(env, btf_vlen(type));
  for (uint32_t i = 0; i < btf_vlen(type); i++) {
    uint32_t bit_offset = btf_member_bit_offset(type, i);
    uint32_t bit_size = btf_member_bitfield_size(type, i);
    // Without kind_flag, old compilers encode a bitfield as an INT whose bits are narrower than its size.
    if (!btf_kflag(type)) {
      const struct btf_type* resolved = btf__type_by_id(btf, btf__resolve_type(btf, members[i].type));
      if (resolved != nullptr && btf_is_int(resolved) &&
          (btf_int_bits(resolved) != resolved->size * 8 || btf_int_offset(resolved) != 0)) {
        bit_size = btf_int_bits(resolved);
        bit_offset += btf_int_offset(resolved);
      }
    }
    const char* name = btf__name_by_offset(btf, members[i].name_off);
    list.Set(i, Member(env, btf, name != nullptr ? name : "", bit_offset, bit_size, members[i].type, depth));
  }
  node.Set("members", list);
  return node;
}

Napi::Object DataSection(Napi::Env env, const struct btf* btf, const struct btf_type* type, int depth) {
  Napi::Object node = Node(env, "struct", type->size);
  node.Set("name", NameOf(btf, type));
  const struct btf_var_secinfo* vars = btf_var_secinfos(type);
  Napi::Array list = Napi::Array::New(env, btf_vlen(type));
  for (uint32_t i = 0; i < btf_vlen(type); i++) {
    const struct btf_type* var = btf__type_by_id(btf, vars[i].type);
    list.Set(i, Member(env, btf, NameOf(btf, var), vars[i].offset * 8, 0, var->type, depth));
  }
  node.Set("members", list);
  return node;
}

Napi::Object Enumeration(Napi::Env env, const struct btf* btf, const struct btf_type* type) {
  Napi::Object node = Node(env, "enum", type->size);
  node.Set("name", NameOf(btf, type));
  // Since kernel 6.0 kind_flag marks a signed enum.
  node.Set("signed", btf_kflag(type));
  Napi::Object values = Napi::Object::New(env);
  for (uint32_t i = 0; i < btf_vlen(type); i++) {
    if (btf_is_enum64(type)) {
      const struct btf_enum64* e = btf_enum64(type) + i;
      uint64_t raw = btf_enum64_value(e);
      double value = btf_kflag(type) ? static_cast<double>(static_cast<int64_t>(raw)) : static_cast<double>(raw);
      values.Set(btf__name_by_offset(btf, e->name_off), value);
    } else {
      const struct btf_enum* e = btf_enum(type) + i;
      double value = btf_kflag(type) ? static_cast<double>(e->val) : static_cast<double>(static_cast<uint32_t>(e->val));
      values.Set(btf__name_by_offset(btf, e->name_off), value);
    }
  }
  node.Set("values", values);
  return node;
}

Napi::Object Build(Napi::Env env, const struct btf* btf, uint32_t id, int depth) {
  if (depth > kMaxDepth) return Node(env, "unknown", 0);
  std::string typedef_name;
  const struct btf_type* type = btf__type_by_id(btf, id);
  // Peel typedef/const/volatile/restrict/type_tag; the first typedef is the name the C code used.
  while (type != nullptr && id != 0 && (btf_is_typedef(type) || btf_is_mod(type))) {
    if (btf_is_typedef(type) && typedef_name.empty()) typedef_name = NameOf(btf, type);
    id = type->type;
    type = btf__type_by_id(btf, id);
  }

  Napi::Object node;
  if (type == nullptr || id == 0) {
    node = Node(env, "unknown", 0);  // void
  } else if (btf_is_int(type)) {
    node = Node(env, "int", type->size);
    node.Set("name", NameOf(btf, type));
    node.Set("signed", (btf_int_encoding(type) & BTF_INT_SIGNED) != 0);
    if (btf_int_encoding(type) & BTF_INT_BOOL) node.Set("bool", true);
  } else if (btf_is_any_enum(type)) {
    node = Enumeration(env, btf, type);
  } else if (btf_is_array(type)) {
    const struct btf_array* array = btf_array(type);
    node = Node(env, "array", btf__resolve_size(btf, id));
    node.Set("length", array->nelems);
    node.Set("element", Build(env, btf, array->type, depth + 1));
  } else if (btf_is_composite(type)) {
    node = Composite(env, btf, type, depth);
  } else if (btf_is_datasec(type)) {
    node = DataSection(env, btf, type, depth);
  } else if (btf_is_ptr(type)) {
    node = Node(env, "ptr", 8);  // BPF is a 64-bit target
  } else {
    int64_t size = btf__resolve_size(btf, id);
    node = Node(env, "unknown", size < 0 ? 0 : size);
  }
  if (!typedef_name.empty()) node.Set("typedef", typedef_name);
  return node;
}

}  // namespace

Napi::Value TypeLayout(Napi::Env env, const struct btf* btf, uint32_t id) {
  if (btf == nullptr || id == 0) return env.Undefined();
  return Build(env, btf, id, 0);
}

Napi::Value FindTypeLayout(Napi::Env env, const struct btf* btf, const std::string& name) {
  if (btf == nullptr) return env.Undefined();
  const uint32_t kinds[] = {BTF_KIND_STRUCT, BTF_KIND_UNION, BTF_KIND_ENUM, BTF_KIND_ENUM64, BTF_KIND_TYPEDEF};
  for (uint32_t kind : kinds) {
    int32_t id = btf__find_by_name_kind(btf, name.c_str(), kind);
    if (id > 0) return Build(env, btf, static_cast<uint32_t>(id), 0);
  }
  return env.Undefined();
}

}  // namespace raftctl
