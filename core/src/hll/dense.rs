//! The dense encoding (`HLL_DENSE_GET_REGISTER`, `HLL_DENSE_SET_REGISTER`):
//! register `i` takes six bits from bit `6 i`, least significant bits
//! first, possibly across two bytes.

use super::{byte_at, REGISTERS, REGISTER_MAX};

/// Register `i` of `regs` (the bytes after the header).
pub fn get(regs: &[u8], i: usize) -> u8 {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let b0 = regs[byte] as u32;
    let b1 = byte_at(regs, byte + 1) as u32;
    (((b0 >> fb) | (b1 << (8 - fb))) & REGISTER_MAX as u32) as u8
}

/// Sets register `i` to `val` (at most 63).
pub fn set(regs: &mut [u8], i: usize, val: u8) {
    let byte = i * 6 / 8;
    let fb = (i * 6) & 7;
    let v = val as u32;
    let max = REGISTER_MAX as u32;
    regs[byte] = ((regs[byte] as u32 & !(max << fb)) | (v << fb)) as u8;
    // The last register's second byte would be the sds terminator, which
    // the mask and the value leave untouched.
    if let Some(b1) = regs.get_mut(byte + 1) {
        *b1 = ((*b1 as u32 & !(max >> (8 - fb))) | (v >> (8 - fb))) as u8;
    }
}

/// `hllDenseSet`: raises register `i` to `count`; whether it grew.
pub fn raise(regs: &mut [u8], i: usize, count: u8) -> bool {
    if count > get(regs, i) {
        set(regs, i, count);
        true
    } else {
        false
    }
}

/// `hllDenseRegHisto`: how many registers hold each value.
pub fn histogram(regs: &[u8], histogram: &mut [i64; 64]) {
    for i in 0..REGISTERS {
        histogram[get(regs, i) as usize] += 1;
    }
}
