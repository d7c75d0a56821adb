//! The 16384 slots as a 256 × 64 grid of pixels coloured by owner, and what hovering one says.

use clusterlab_core::sim::Status;
use clusterlab_core::slot::SLOTS;

use super::cluster_view::Picture;
use super::layout::mix;

/// The slot map is a 256 × 64 grid, one pixel per slot, row by row.
pub const SLOT_COLS: u16 = 256;
pub const SLOT_ROWS: u16 = SLOTS / SLOT_COLS;

/// The slot under a point of the slot map, given as fractions (0..1) of its width and height.
pub fn slot_at(fx: f64, fy: f64) -> Option<u16> {
    if !(0.0..1.0).contains(&fx) || !(0.0..1.0).contains(&fy) {
        return None;
    }
    let col = (fx * SLOT_COLS as f64) as u16;
    let row = (fy * SLOT_ROWS as f64) as u16;
    Some(row * SLOT_COLS + col)
}

/// RGBA pixels of the slot map: each slot in its owner's colour; a checkerboard of darker
/// pixels when the owner is down; grey checks for uncovered slots; black and white checks for
/// MIGRATING/IMPORTING slots; black for the `marked` slots (the traced key).
pub fn slot_map_pixels(picture: &Picture, marked: &[u16]) -> Vec<u8> {
    let mut px = Vec::with_capacity(SLOTS as usize * 4);
    for slot in 0..SLOTS {
        let odd = (slot % SLOT_COLS + slot / SLOT_COLS) % 2 == 1;
        let rgb = if marked.contains(&slot) {
            (0, 0, 0)
        } else if picture.migrating.contains(slot) || picture.importing.contains(slot) {
            if odd {
                (0, 0, 0)
            } else {
                (255, 255, 255)
            }
        } else {
            match picture.owner(slot).and_then(|o| picture.nodes.get(o)) {
                Some(owner) if owner.status != Status::Up && odd => mix(owner.rgb, (0, 0, 0), 0.6),
                Some(owner) => owner.rgb,
                None if odd => (150, 150, 150),
                None => (210, 210, 210),
            }
        };
        px.extend_from_slice(&[rgb.0, rgb.1, rgb.2, 255]);
    }
    px
}

#[cfg(test)]
mod tests {
    //! The 16384-slot map: one pixel per slot in its owner's colour, marked slots black.

    use super::*;
    use crate::view_model::cluster_view::picture;
    use crate::view_model::test_support::{cluster, SIX};

    #[test]
    fn slot_map_pixels_follow_owners_and_marks() {
        let mut sim = cluster();
        let p = picture(&sim, SIX);
        let px = slot_map_pixels(&p, &[1649]);
        assert_eq!(px.len(), 16384 * 4);
        let at = |px: &[u8], s: usize| (px[s * 4], px[s * 4 + 1], px[s * 4 + 2]);
        assert_eq!(at(&px, 0), p.nodes[0].rgb);
        assert_eq!(at(&px, 16383), p.nodes[2].rgb);
        assert_eq!(at(&px, 1649), (0, 0, 0));
        sim.crash(1);
        let p = picture(&sim, SIX);
        let px = slot_map_pixels(&p, &[]);
        // Slot 5461 is column 85 of row 21: an even square keeps the colour, an odd one darkens.
        assert_eq!(at(&px, 5461), p.nodes[1].rgb);
        assert_ne!(at(&px, 5462), p.nodes[1].rgb);
        assert_eq!(slot_at(0.0, 0.0), Some(0));
        assert_eq!(slot_at(0.999, 0.999), Some(16383));
        assert_eq!(slot_at(1.0, 0.5), None);
        assert_eq!(slot_at(0.5, 0.0), Some(128));
    }
}
