// Key generation rate of OpenSSL and Botan, one thread each, interleaved: keys per second of wall
// time and per second of CPU time (what one core makes when other work shares the machine). The
// Go figure beside it: bench/kubeadm-way -key-rate. Issue 24: an RSA tree is mostly key generation.
//
//   g++ -O2 -std=c++20 bench/keygen_rate.cpp -o /tmp/keygen_rate $(pkg-config --cflags --libs
//   botan-2) -lcrypto /tmp/keygen_rate [rsa-2048|ecdsa-p256] [SECONDS=10]
#include <botan/auto_rng.h>
#include <botan/ecdsa.h>
#include <botan/rsa.h>
#include <openssl/evp.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

namespace {

double clock_seconds(clockid_t clock) {
  timespec t{};
  clock_gettime(clock, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Tally {
  const char* name;
  std::function<void()> make;
  int keys = 0;
  double wall = 0, cpu = 0;
};

}  // namespace

int main(int argc, char** argv) {
  std::string algorithm = argc > 1 ? argv[1] : "rsa-2048";
  double seconds = argc > 2 ? std::atof(argv[2]) : 10;
  bool rsa = algorithm == "rsa-2048";
  if (!rsa && algorithm != "ecdsa-p256") {
    std::fprintf(stderr, "keygen_rate: %s is neither rsa-2048 nor ecdsa-p256\n", algorithm.c_str());
    return 2;
  }
  Botan::AutoSeeded_RNG rng;
  Botan::EC_Group p256("secp256r1");
  Tally tallies[] = {
      {"openssl",
       [&] {
         EVP_PKEY* key = rsa ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                             : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
         if (!key) std::abort();
         EVP_PKEY_free(key);
       }},
      {"botan",
       [&] {
         if (rsa)
           Botan::RSA_PrivateKey key(rng, 2048);
         else
           Botan::ECDSA_PrivateKey key(rng, p256);
       }},
  };
  // Alternating slices of a second, so both see the same machine load.
  double start = clock_seconds(CLOCK_MONOTONIC);
  while (clock_seconds(CLOCK_MONOTONIC) - start < 2 * seconds) {
    for (Tally& t : tallies) {
      double w0 = clock_seconds(CLOCK_MONOTONIC), c0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
      do {
        t.make();
        ++t.keys;
      } while (clock_seconds(CLOCK_MONOTONIC) - w0 < 1.0);
      t.wall += clock_seconds(CLOCK_MONOTONIC) - w0;
      t.cpu += clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0;
    }
  }
  for (const Tally& t : tallies)
    std::printf(
        "%s %s: %d keys, %.2f s wall, %.2f s CPU: %.1f keys/s wall, %.1f keys per CPU second\n",
        t.name, algorithm.c_str(), t.keys, t.wall, t.cpu, t.keys / t.wall, t.keys / t.cpu);
  return 0;
}
