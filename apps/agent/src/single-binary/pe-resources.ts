/**
 * Just enough of the PE/COFF format to check a Windows binary built on Linux: headers, sections,
 * and the resource directory (type -> name -> language -> data), where postject puts the SEA blob
 * (type RT_RCDATA, name NODE_SEA_BLOB). Read-only; throws on anything malformed.
 */
export const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
export const RT_RCDATA = 10;

export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
}

export interface PeResource {
  type: number | string;
  name: number | string;
  language: number;
  /** File offset and size of the resource data. */
  offset: number;
  size: number;
}

export interface PeInfo {
  machine: number;
  /** 0x20b = PE32+ (64-bit). */
  magic: number;
  /** 3 = console, 2 = GUI. */
  subsystem: number;
  sections: PeSection[];
  resources: PeResource[];
}

export function parsePe(buf: Buffer): PeInfo {
  if (buf.length < 0x40 || buf.toString('latin1', 0, 2) !== 'MZ') throw new Error('no MZ header');
  const pe = buf.readUInt32LE(0x3c);
  if (buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error(`no PE signature at 0x${pe.toString(16)}`);
  const coff = pe + 4;
  const machine = buf.readUInt16LE(coff);
  const sectionCount = buf.readUInt16LE(coff + 2);
  const optionalSize = buf.readUInt16LE(coff + 16);
  const optional = coff + 20;
  const magic = buf.readUInt16LE(optional);
  if (magic !== 0x20b && magic !== 0x10b) throw new Error(`unknown optional header magic 0x${magic.toString(16)}`);
  const subsystem = buf.readUInt16LE(optional + 68);
  // Data directories follow the fixed part: 96 bytes (PE32) or 112 (PE32+); resources are entry 2.
  const directories = optional + (magic === 0x20b ? 112 : 96);
  const resourceRva = buf.readUInt32LE(directories + 2 * 8);
  const sections: PeSection[] = [];
  for (let i = 0, at = optional + optionalSize; i < sectionCount; i++, at += 40) {
    sections.push({
      name: buf.toString('latin1', at, at + 8).replace(/\0+$/, ''),
      virtualSize: buf.readUInt32LE(at + 8),
      virtualAddress: buf.readUInt32LE(at + 12),
      rawSize: buf.readUInt32LE(at + 16),
      rawOffset: buf.readUInt32LE(at + 20),
    });
  }
  const toOffset = (rva: number): number => {
    const s = sections.find((x) => rva >= x.virtualAddress && rva < x.virtualAddress + Math.max(x.virtualSize, x.rawSize));
    if (!s) throw new Error(`RVA 0x${rva.toString(16)} is in no section`);
    return rva - s.virtualAddress + s.rawOffset;
  };
  const resources = resourceRva === 0 ? [] : readResources(buf, toOffset(resourceRva), toOffset);
  return { machine, magic, subsystem, sections, resources };
}

/** Walks the three levels of IMAGE_RESOURCE_DIRECTORY; names are UTF-16 strings, else numeric ids. */
function readResources(buf: Buffer, root: number, toOffset: (rva: number) => number): PeResource[] {
  const entries = (dir: number): Array<{ id: number | string; target: number; isDir: boolean }> => {
    const named = buf.readUInt16LE(dir + 12);
    const ids = buf.readUInt16LE(dir + 14);
    const out = [];
    for (let i = 0; i < named + ids; i++) {
      const at = dir + 16 + i * 8;
      const nameField = buf.readUInt32LE(at);
      const dataField = buf.readUInt32LE(at + 4);
      let id: number | string = nameField & 0xffff;
      if (nameField & 0x80000000) {
        const nameAt = root + (nameField & 0x7fffffff);
        id = buf.toString('utf16le', nameAt + 2, nameAt + 2 + buf.readUInt16LE(nameAt) * 2);
      }
      out.push({ id, target: root + (dataField & 0x7fffffff), isDir: (dataField & 0x80000000) !== 0 });
    }
    return out;
  };
  const found: PeResource[] = [];
  for (const type of entries(root)) {
    if (!type.isDir) continue;
    for (const name of entries(type.target)) {
      if (!name.isDir) continue;
      for (const lang of entries(name.target)) {
        if (lang.isDir) continue;
        found.push({
          type: type.id, name: name.id, language: Number(lang.id),
          offset: toOffset(buf.readUInt32LE(lang.target)), size: buf.readUInt32LE(lang.target + 4),
        });
      }
    }
  }
  return found;
}
