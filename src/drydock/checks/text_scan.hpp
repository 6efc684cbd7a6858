#pragma once
/// A quick test before a text search (internal to checks/): whether a text holds any of a few
/// two-byte pairs, sixteen places at a time where the processor allows. The rules that look for
/// words in every RUN line (key formats, settings that switch off signature checks) ask it first:
/// when each word they look for holds one of the pairs and the text holds none, the search can
/// find nothing, and most texts hold none.

#include <array>
#include <bit>
#include <cstddef>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace drydock::checks::scan {

using Pair = std::array<char, 2>;

/// Texts at least this long are looked at sixteen places at a time (where the processor allows);
/// shorter ones one place at a time.
constexpr std::size_t k_block = 17;

/// A byte the case-folded test can look for: unchanged by setting bit 5 (lower-case letters,
/// digits, `-`, `.`, `/`, `:`, ...), which maps A-Z to a-z.
constexpr bool folds_to_itself(char c) { return (static_cast<unsigned char>(c) | 0x20U) == static_cast<unsigned char>(c); }

/// True when `text` holds one of `pairs` (two bytes in a row); with `fold_case`, ASCII letters
/// of the text count in either case (the pairs are then written in lower case, every byte
/// folds_to_itself). Never false when a pair is there; with `fold_case` it may also be true for
/// a byte that folds onto a pair's punctuation (a control character: `\r` folds onto `-`), so the
/// search it guards must still be made when it is true.
template <std::size_t N>
bool holds_pair(std::string_view text, const std::array<Pair, N>& pairs, bool fold_case) {
  const auto fold = static_cast<unsigned char>(fold_case ? 0x20U : 0U);
  std::size_t i = 0;
#if defined(__SSE2__)
  if (text.size() >= k_block) {
    const __m128i folding = _mm_set1_epi8(static_cast<char>(fold));
    const auto block = [&](std::size_t at) {
      const __m128i first = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at)), folding);
      const __m128i second = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + 1)), folding);
      __m128i hit = _mm_setzero_si128();
      for (const auto& p : pairs)
        hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(first, _mm_set1_epi8(p[0])), _mm_cmpeq_epi8(second, _mm_set1_epi8(p[1]))));
      return _mm_movemask_epi8(hit) != 0;
    };
    for (; i + k_block <= text.size(); i += 16) {
      if (block(i)) return true;
    }
    // The last places, in one block that overlaps the one before.
    return i + 1 < text.size() && block(text.size() - k_block);
  }
  if (text.size() >= 2) {
    // A shorter text (most words of a RUN), copied into a block of zeros: one block looked at,
    // its places 0 to size - 2 only (a zero byte after the text is no byte of it).
    alignas(16) std::array<char, 2 * 16> padded{};
    std::memcpy(padded.data(), text.data(), text.size());
    const __m128i folding = _mm_set1_epi8(static_cast<char>(fold));
    const __m128i first = _mm_or_si128(_mm_load_si128(reinterpret_cast<const __m128i*>(padded.data())), folding);
    const __m128i second = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(padded.data() + 1)), folding);
    __m128i hit = _mm_setzero_si128();
    for (const auto& p : pairs)
      hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(first, _mm_set1_epi8(p[0])), _mm_cmpeq_epi8(second, _mm_set1_epi8(p[1]))));
    const auto places = (1U << (text.size() - 1)) - 1U;
    return (static_cast<unsigned>(_mm_movemask_epi8(hit)) & places) != 0;
  }
#endif
  for (; i + 1 < text.size(); ++i) {
    const auto a = static_cast<char>(static_cast<unsigned char>(text[i]) | fold);
    const auto b = static_cast<char>(static_cast<unsigned char>(text[i + 1]) | fold);
    for (const auto& p : pairs) {
      if (a == p[0] && b == p[1]) return true;
    }
  }
  return false;
}

/// Calls `f(i)` for each place `i` of `text` where one of `pairs` begins (`text[i]` and
/// `text[i + 1]` are a pair), in order, each place once: the places a search for words that begin
/// with those pairs needs to look at, found sixteen at a time where the processor allows. Case
/// counts (no folding).
template <std::size_t N, class F>
void each_pair(std::string_view text, const std::array<Pair, N>& pairs, F&& f) {
  std::size_t i = 0;
#if defined(__SSE2__)
  if (text.size() >= k_block) {
    // The places of one block, as the bits of a mask (bit b: place at + b).
    const auto block = [&](std::size_t at) {
      const __m128i first = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at));
      const __m128i second = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + at + 1));
      __m128i hit = _mm_setzero_si128();
      for (const auto& p : pairs)
        hit = _mm_or_si128(hit, _mm_and_si128(_mm_cmpeq_epi8(first, _mm_set1_epi8(p[0])), _mm_cmpeq_epi8(second, _mm_set1_epi8(p[1]))));
      return static_cast<unsigned>(_mm_movemask_epi8(hit));
    };
    const auto each = [&](std::size_t at, unsigned mask) {
      for (; mask != 0; mask &= mask - 1)
        f(at + static_cast<std::size_t>(std::countr_zero(mask)));
    };
    for (; i + k_block <= text.size(); i += 16)
      each(i, block(i));
    // The last places (up to text.size() - 2), in one block that overlaps the one before: its
    // places before `i` were reported with that block.
    if (i + 1 < text.size()) {
      const std::size_t at = text.size() - k_block;
      each(at, block(at) & (~0U << (i - at)));
    }
    return;
  }
#endif
  for (; i + 1 < text.size(); ++i) {
    for (const auto& p : pairs) {
      if (text[i] == p[0] && text[i + 1] == p[1]) {
        f(i);
        break;
      }
    }
  }
}

}  // namespace drydock::checks::scan
