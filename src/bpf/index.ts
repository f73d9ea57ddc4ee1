/**
 * The typed face of raftctl's native BPF binding: objects, programs, maps, XDP attachment, ring
 * buffers and BTF layouts. It knows nothing of Raft.
 */
export {BpfError} from './errors.js'
export {BpfObject, type LoadOptions} from './object.js'
export {BpfProgram, programInfo, type ProgramInfo, type TestRunOptions, type TestRunResult} from './program.js'
export {BPF_F_MMAPABLE, BpfMap, type MappedMemory, type UpdateFlag} from './map.js'
export {RingBuffer} from './ringbuf.js'
export {attachXdp, detachXdp, interfaceIndex, interfaceName, queryXdp, type XdpAttachMode, type XdpMode, type XdpQuery} from './xdp.js'
export {
  decode,
  encode,
  fieldOffset,
  type ArrayLayout,
  type CompositeLayout,
  type Decoded,
  type Encodable,
  type EnumLayout,
  type IntLayout,
  type Layout,
  type MemberLayout,
  type OpaqueLayout,
  type TypeLayout,
} from './layout.js'
