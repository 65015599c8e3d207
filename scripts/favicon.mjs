// Draws Lockboard's favicon (an amber tile with a padlock, as the sidebar's mark) and writes
// app/favicon.ico: PNG images at 16, 32 and 48 px in one ICO. No image library, no download.
// Run: node scripts/favicon.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const AMBER = [245, 158, 11, 255];
const DARK = [15, 23, 42, 255];
const CLEAR = [0, 0, 0, 0];

/** The colour at (x, y) of a unit-square drawing, sampled 4x4 per pixel for smooth edges. */
function paint(u, v) {
  const inRounded = (x, y, x0, y0, x1, y1, r) => {
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  if (!inRounded(u, v, 0.02, 0.02, 0.98, 0.98, 0.2)) return CLEAR;
  // The padlock: a shackle (a ring's upper half) over a body with a keyhole.
  const d = Math.hypot(u - 0.5, v - 0.42);
  const shackle = v <= 0.45 && d >= 0.12 && d <= 0.2;
  const body = inRounded(u, v, 0.24, 0.42, 0.76, 0.84, 0.06);
  const keyhole = Math.hypot(u - 0.5, v - 0.58) <= 0.06 || (Math.abs(u - 0.5) <= 0.025 && v >= 0.58 && v <= 0.72);
  if ((shackle || body) && !keyhole) return DARK;
  return AMBER;
}

function image(size) {
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = [0]; // PNG filter: none
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++) {
          const c = paint((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
          for (let i = 0; i < 3; i++) acc[i] += c[i] * c[3];
          acc[3] += c[3];
        }
      const a = acc[3];
      row.push(...(a ? [acc[0] / a, acc[1] / a, acc[2] / a].map(Math.round) : [0, 0, 0]), Math.round(a / 16));
    }
    rows.push(...row);
  }
  return png(size, Buffer.from(rows));
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, raw) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

const sizes = [16, 32, 48];
const images = sizes.map(image);
const header = Buffer.alloc(6);
header.writeUInt16LE(0, 0);
header.writeUInt16LE(1, 2); // icon
header.writeUInt16LE(sizes.length, 4);
let offset = 6 + 16 * sizes.length;
const entries = sizes.map((s, i) => {
  const e = Buffer.alloc(16);
  e.writeUInt8(s, 0);
  e.writeUInt8(s, 1);
  e.writeUInt16LE(1, 4); // colour planes
  e.writeUInt16LE(32, 6); // bits per pixel
  e.writeUInt32LE(images[i].length, 8);
  e.writeUInt32LE(offset, 12);
  offset += images[i].length;
  return e;
});
writeFileSync(new URL("../app/favicon.ico", import.meta.url), Buffer.concat([header, ...entries, ...images]));
console.log(`app/favicon.ico: ${sizes.join(", ")} px`);
