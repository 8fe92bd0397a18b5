package io.tailkeep.sampler.buffer;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where buffered spans' bytes live: in slabs, arrays of {@link #SLAB_BYTES} filled in arrival
 * order and reused once every span in them is decided, instead of an array per span.
 *
 * <p>Why: a young collection copies every object still alive, and a buffered span lives through
 * its trace's grace period, so with an array per span each collection copied the whole buffer
 * (bench/README.md). Slabs are reused, so they grow old once and are not copied again, and they
 * hold no references, so writing spans into them gives the collector nothing to do. A slab is
 * smaller than half of G1's smallest region, so it is an ordinary array, not a humongous one
 * (which would waste the rest of its regions).
 *
 * <p>A span's place is a long: the slab's number in the high 32 bits, the offset in the low. A
 * record longer than a quarter of a slab gets an exactly sized array of its own, under a number
 * too, and is not pooled.
 *
 * <p>Thread-safe: reserving and returning slabs take this object's lock; releasing a record
 * counts its slab's live bytes down atomically, and whoever brings them to zero frees the slab.
 */
final class SpanSlabs {

  static final int SLAB_BYTES = 256 * 1024;
  /** Longer records get an array of their own. */
  static final int LARGEST_SHARED_RECORD = SLAB_BYTES / 4;
  /** Added to the live bytes of the slab being filled, so it cannot reach zero until sealed. */
  private static final long FILLING = 1L << 40;

  private volatile Slab[] byNumber = new Slab[64];
  private final ArrayDeque<Integer> freeNumbers = new ArrayDeque<>();
  private final ArrayDeque<Slab> pool = new ArrayDeque<>();
  private int nextNumber;
  private Slab filling;
  /** Bytes of the slabs in use (not pooled); under the lock. */
  private long inUseBytes;
  /** How many bytes of free slabs may be kept for reuse; under the lock. */
  private long poolBudget;

  /**
   * Room for the records of one offer, taken from the slab being filled in pieces, so a thread
   * takes the lock about once per request, not once per span.
   */
  Writer writer(long expectedBytes) {
    return new Writer(expectedBytes);
  }

  /** Reserves room for one record and returns its place (for moving a record). */
  long reserve(int length) {
    Writer writer = new Writer(length);
    long place = writer.place(length);
    writer.close();
    return place;
  }

  private synchronized long reserveOwn(int length) {
    Slab own = register(new byte[length], false);
    own.live.set(length);
    inUseBytes += length;
    return place(own.number, 0);
  }

  /**
   * Reserves at least {@code length} and at most {@code wanted} bytes in the slab being filled,
   * sealing it and taking another if {@code length} does not fit; returns the piece's place and
   * sets {@code piece.end}.
   */
  private synchronized long reservePiece(int length, long wanted, Writer piece) {
    if (filling == null || SLAB_BYTES - filling.used < length) {
      if (filling != null) {
        Slab sealed = filling;
        filling = null;
        if (sealed.live.addAndGet(-FILLING) == 0) {
          free(sealed);
        }
      }
      filling = takeSlab();
      filling.live.set(FILLING);
    }
    int offset = filling.used;
    int size = (int) Math.min(SLAB_BYTES - offset, Math.max(length, wanted));
    filling.used += size;
    filling.live.addAndGet(size);
    piece.end = offset + size;
    return place(filling.number, offset);
  }

  /** Gives back the unused end of a piece: to the slab being filled if nothing came after it. */
  private synchronized void returnRest(long place, int length) {
    Slab slab = byNumber[number(place)];
    if (slab == filling && slab.used == offset(place) + length) {
      slab.used -= length;
      slab.live.addAndGet(-length);
      return;
    }
    release(place, length);
  }

  /** Marks full slabs at most half live, for {@link #isSparse}; once per pass over the buffer. */
  synchronized void markSparse() {
    for (Slab slab : byNumber) {
      if (slab != null) {
        slab.sparse = slab.shared && slab != filling && slab.live.get() < SLAB_BYTES / 2;
      }
    }
  }

  /** The array holding the record at {@code place}. */
  byte[] array(long place) {
    return byNumber[number(place)].bytes;
  }

  static int offset(long place) {
    return (int) place;
  }

  /**
   * Gives back the room of records in one slab, {@code length} bytes in all; the slab is reused
   * once all its records are given back.
   */
  void release(long place, int length) {
    Slab slab = byNumber[number(place)];
    if (slab.live.addAndGet(-length) == 0) {
      synchronized (this) {
        free(slab);
      }
    }
  }

  /** Whether the place's slab was found full and at most half live by {@link #markSparse}. */
  boolean isSparse(long place) {
    return byNumber[number(place)].sparse;
  }

  static boolean sameSlab(long place, long other) {
    return number(place) == number(other);
  }

  /**
   * Room in slabs in use that holds no live record: the end of the slab being filled, dead
   * records beside live ones.
   */
  synchronized long unusedBytes() {
    return inUseBytes - liveBytes();
  }

  /** Heap the slabs hold: in use and kept for reuse. */
  synchronized long heldBytes() {
    return inUseBytes + (long) pool.size() * SLAB_BYTES;
  }

  /**
   * Keeps at most {@code bytes} of free slabs for reuse, letting go of any beyond. Reuse is what
   * spares the collector (a new slab is copied until it is old), so the buffer gives the pool
   * whatever room its bound leaves.
   */
  synchronized void poolWithin(long bytes) {
    poolBudget = Math.max(0, bytes);
    while ((long) pool.size() * SLAB_BYTES > poolBudget) {
      unregister(pool.pop());
    }
  }

  /**
   * Bytes of records reserved and not yet released, summed over the slabs: a counter of its own
   * would be one more contended update for every release.
   */
  synchronized long liveBytes() {
    long live = 0;
    for (Slab slab : byNumber) {
      if (slab != null) {
        live += slab.live.get() - (slab == filling ? FILLING : 0);
      }
    }
    return live;
  }

  /** Slabs registered and not pooled: in use, shared or a record's own. */
  synchronized int slabsInUse() {
    return nextNumber - freeNumbers.size() - pool.size();
  }

  private Slab takeSlab() {
    inUseBytes += SLAB_BYTES;
    Slab pooled = pool.poll();
    if (pooled != null) {
      pooled.sparse = false;
      return pooled;
    }
    return register(new byte[SLAB_BYTES], true);
  }

  private Slab register(byte[] bytes, boolean shared) {
    Integer reused = freeNumbers.poll();
    int number = reused != null ? reused : nextNumber++;
    Slab[] slabs = byNumber;
    if (number >= slabs.length) {
      slabs = Arrays.copyOf(slabs, slabs.length * 2);
    }
    Slab slab = new Slab(number, bytes, shared);
    slabs[number] = slab;
    byNumber = slabs; // published before the number is handed out
    return slab;
  }

  /** Under the lock: pools a shared slab within the pool's budget, forgets it otherwise. */
  private void free(Slab slab) {
    inUseBytes -= slab.bytes.length;
    if (slab.shared && (pool.size() + 1L) * SLAB_BYTES <= poolBudget) {
      slab.used = 0;
      pool.push(slab);
      return;
    }
    unregister(slab);
  }

  private void unregister(Slab slab) {
    Slab[] slabs = byNumber;
    slabs[slab.number] = null;
    byNumber = slabs;
    freeNumbers.push(slab.number);
  }

  /** Places records one after another in pieces of a slab; used by one thread, then closed. */
  final class Writer {
    private long wanted;
    private long next = -1;
    private int end;

    private Writer(long expectedBytes) {
      this.wanted = expectedBytes;
    }

    /** Reserves room for a record of {@code length} bytes and returns its place. */
    long place(int length) {
      wanted -= length;
      if (length > LARGEST_SHARED_RECORD) {
        return reserveOwn(length);
      }
      if (next < 0 || end - offset(next) < length) {
        close();
        next = reservePiece(length, wanted + length, this);
      }
      long place = next;
      next += length;
      return place;
    }

    /** Gives back the room reserved and not used. */
    void close() {
      if (next >= 0 && offset(next) < end) {
        returnRest(next, end - offset(next));
      }
      next = -1;
    }
  }

  private static long place(int number, int offset) {
    return ((long) number << 32) | offset;
  }

  private static int number(long place) {
    return (int) (place >>> 32);
  }

  private static final class Slab {
    final int number;
    final byte[] bytes;
    /** Pooled and filled by many records; false for a record's own array. */
    final boolean shared;
    /** Bytes handed out; under the lock. */
    int used;
    /** Record bytes not yet released, plus {@link #FILLING} while being filled. */
    final AtomicLong live = new AtomicLong();
    /**
     * Set by {@link #markSparse}; read without the lock, which is safe: a slab holding a record
     * cannot be freed and reused, and a stale false only delays a move.
     */
    boolean sparse;

    Slab(int number, byte[] bytes, boolean shared) {
      this.number = number;
      this.bytes = bytes;
      this.shared = shared;
    }
  }
}
