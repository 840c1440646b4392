//! The collector's reader of the BPF ring buffer: aya's `RingBuf` protocol, plus a watch on the
//! consumer position.
//!
//! The consumer page is mapped writable by whoever holds the ring's fd, and a root package can
//! get that fd by id (round 5's `a5_ringbuf_skip`, the e2e `tamper` test). aya's reader keeps
//! its own position and stores it after each record: a move by someone else is overwritten by
//! the next store, and what the reader reads in between may already be the producer's newer
//! records written over the region the move freed (garbage at a record's place, or a skip hidden
//! by re-reads). This reader swaps its position in with a compare-and-exchange and checks the
//! page before each record: a value it did not write is a move. It then counts the move and
//! starts again at the producer position, which is always a record boundary: nothing between is
//! read (it may be overwritten), and the kernel's per-kind `SUBMITTED` counts against what was
//! read say how many records of each kind that was (the footer's `ring_skipped`).

use std::{
    os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd},
    ptr::NonNull,
    sync::atomic::{self, AtomicU32, AtomicUsize, Ordering},
};

use aya::maps::MapData;

/// `BPF_RINGBUF_BUSY_BIT`, `BPF_RINGBUF_DISCARD_BIT` and `BPF_RINGBUF_HDR_SZ` (uapi bpf.h).
const BUSY_BIT: u32 = 1 << 31;
const DISCARD_BIT: u32 = 1 << 30;
const HDR_SZ: usize = 8;

/// Why the ring could not be mapped.
#[derive(Debug, thiserror::Error)]
pub enum RingError {
    #[error("reading the ring buffer's size: {0}")]
    Info(String),
    #[error("the ring buffer's size {0} is not a power of two")]
    Size(u32),
    #[error("mapping the ring buffer: {0}")]
    Map(#[source] std::io::Error),
}

/// A shared mapping of the ring map's fd, unmapped on drop.
struct Mapping {
    ptr: NonNull<u8>,
    len: usize,
}

impl Mapping {
    fn new(
        fd: BorrowedFd<'_>,
        len: usize,
        prot: libc::c_int,
        offset: usize,
    ) -> std::io::Result<Self> {
        let offset = libc::off_t::try_from(offset).map_err(std::io::Error::other)?;
        // SAFETY: a fresh mapping the kernel places; the fd is a ring buffer map, which supports
        // these offsets and lengths (consumer page, then producer page and the data twice).
        let ptr = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                len,
                prot,
                libc::MAP_SHARED,
                fd.as_raw_fd(),
                offset,
            )
        };
        if ptr == libc::MAP_FAILED {
            return Err(std::io::Error::last_os_error());
        }
        let ptr =
            NonNull::new(ptr.cast()).ok_or_else(|| std::io::Error::other("mmap gave NULL"))?;
        Ok(Self { ptr, len })
    }

    /// The `usize` at the mapping's start (a position page).
    fn position(&self) -> &AtomicUsize {
        // SAFETY: page-aligned, at least a page long, shared with the kernel, which accesses it
        // atomically (smp_load_acquire / smp_store_release).
        unsafe { self.ptr.cast::<AtomicUsize>().as_ref() }
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: `len` bytes mapped readable for the mapping's lifetime.
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.len) }
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: unmaps exactly what `new` mapped; no borrow outlives `self`.
        unsafe { libc::munmap(self.ptr.as_ptr().cast(), self.len) };
    }
}

// SAFETY: the mapping is plain shared memory, accessed through atomics and shared borrows.
unsafe impl Send for Mapping {}

/// The ring buffer, read from one thread.
pub struct Ring {
    /// Owns the fd the mappings came from (and that epoll watches).
    map: MapData,
    consumer: Mapping,
    /// The producer page, then the data pages mapped twice (a record never wraps).
    producer: Mapping,
    page: usize,
    mask: usize,
    /// Where this reader is: every record before it was read (or skipped by a move).
    pos: usize,
    /// The producer position last loaded.
    producer_cache: usize,
    /// The length of the record last handed out, consumed at the next call.
    pending: Option<usize>,
    needs_wakeup: bool,
    /// Moves of the consumer position by someone else, and the bytes they skipped.
    moves: u64,
    skipped_bytes: u64,
}

impl Ring {
    pub fn new(map: MapData) -> Result<Self, RingError> {
        let size = map
            .info()
            .map_err(|e| RingError::Info(e.to_string()))?
            .max_entries();
        if !size.is_power_of_two() {
            return Err(RingError::Size(size));
        }
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
            .map_err(|e| RingError::Map(std::io::Error::other(e)))?;
        let size = size as usize;
        let fd = map.fd().as_fd();
        let consumer = Mapping::new(fd, page, libc::PROT_READ | libc::PROT_WRITE, 0)
            .map_err(RingError::Map)?;
        let producer =
            Mapping::new(fd, page + 2 * size, libc::PROT_READ, page).map_err(RingError::Map)?;
        let pos = consumer.position().load(Ordering::Acquire);
        let producer_cache = producer.position().load(Ordering::Acquire);
        Ok(Self {
            map,
            consumer,
            producer,
            page,
            mask: size - 1,
            pos,
            producer_cache,
            pending: None,
            needs_wakeup: false,
            moves: 0,
            skipped_bytes: 0,
        })
    }

    /// How often someone else moved the consumer position, and over how many bytes of records.
    pub fn moves(&self) -> (u64, u64) {
        (self.moves, self.skipped_bytes)
    }

    /// The next record, or `None` when the ring is empty (or the next record is not yet
    /// committed). The record handed out before is consumed first.
    pub fn next(&mut self) -> Option<&[u8]> {
        if let Some(len) = self.pending.take() {
            self.consume(len);
        }
        loop {
            if self.consumer.position().load(Ordering::Acquire) != self.pos {
                self.moved();
            }
            if self.pos == self.producer_cache {
                if self.needs_wakeup {
                    // Pairs with the kernel's check of the consumer position before it decides
                    // to wake us (as libbpf's and aya's readers do).
                    atomic::fence(Ordering::SeqCst);
                    self.needs_wakeup = false;
                }
                self.producer_cache = self.producer.position().load(Ordering::Acquire);
                if self.pos == self.producer_cache {
                    return None;
                }
            }
            // Positions are 8-aligned: the kernel's producer positions are, and a record moves
            // the position by a multiple of 8.
            let offset = self.page + (self.pos & self.mask);
            // SAFETY: record headers are 8-aligned u32s inside the data pages (`offset` is at
            // most page + size - 8); the kernel writes them atomically.
            let header = unsafe {
                self.producer
                    .ptr
                    .add(offset)
                    .cast::<AtomicU32>()
                    .as_ref()
                    .load(Ordering::Acquire)
            };
            if header & BUSY_BIT != 0 {
                if !self.needs_wakeup {
                    return None;
                }
                atomic::fence(Ordering::SeqCst);
                self.needs_wakeup = false;
                continue;
            }
            let len = (header & !(BUSY_BIT | DISCARD_BIT)) as usize;
            let start = offset + HDR_SZ;
            if len > self.mask {
                // Not a record the kernel wrote at this place: the region was reused under us.
                self.moved();
                continue;
            }
            if header & DISCARD_BIT != 0 {
                self.consume(len);
                continue;
            }
            self.pending = Some(len);
            return Some(&self.producer.bytes()[start..start + len]);
        }
    }

    /// Moves past a record of `len` bytes; a position someone else wrote meanwhile is a move.
    fn consume(&mut self, len: usize) {
        let next = self.pos + (HDR_SZ + len).next_multiple_of(8);
        match self.consumer.position().compare_exchange(
            self.pos,
            next,
            Ordering::Release,
            Ordering::Acquire,
        ) {
            Ok(_) => self.pos = next,
            Err(_) => self.moved(),
        }
        self.needs_wakeup = true;
    }

    /// Someone else wrote the consumer position (or the region under it was reused): start again
    /// at the producer position, a record boundary, and read nothing in between.
    fn moved(&mut self) {
        self.moves += 1;
        self.producer_cache = self.producer.position().load(Ordering::Acquire);
        self.skipped_bytes += self.producer_cache.wrapping_sub(self.pos) as u64;
        self.pos = self.producer_cache;
        self.pending = None;
        self.consumer.position().store(self.pos, Ordering::Release);
        tracing::debug!("the ring buffer's consumer position was moved by someone else");
    }
}

impl AsRawFd for Ring {
    fn as_raw_fd(&self) -> RawFd {
        self.map.fd().as_fd().as_raw_fd()
    }
}
