/* Reference xoshiro128** 1.1 (Blackman & Vigna), written from the published algorithm, used by rng.test.ts
 * to check the TypeScript generator bit for bit. Prints 8 outputs from state {1,2,3,4}, then 8 after one jump. */
#include <stdint.h>
#include <stdio.h>
static uint32_t s[4] = {1, 2, 3, 4};
static inline uint32_t rotl(const uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static uint32_t next(void) {
  const uint32_t result = rotl(s[1] * 5, 7) * 9;
  const uint32_t t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t; s[3] = rotl(s[3], 11);
  return result;
}
static void jump(void) {
  static const uint32_t JUMP[] = {0x8764000b, 0xf542d2d3, 0x6fa035c3, 0x77f2db5b};
  uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  for (int i = 0; i < 4; i++)
    for (int b = 0; b < 32; b++) {
      if (JUMP[i] & UINT32_C(1) << b) { s0 ^= s[0]; s1 ^= s[1]; s2 ^= s[2]; s3 ^= s[3]; }
      next();
    }
  s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3;
}
int main(void) {
  for (int i = 0; i < 8; i++) printf("%u\n", next());
  jump();
  for (int i = 0; i < 8; i++) printf("%u\n", next());
  return 0;
}
