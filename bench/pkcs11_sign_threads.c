/* The smallest PKCS#11 sign loop: a module, one session per thread, C_SignInit + C_Sign on one
 * private key by label, for a fixed time; prints signatures/s for the thread count given. No kpki
 * code at all, so a figure that does not scale here does not scale in the token.
 *
 *   cc -O2 -o /tmp/p11threads bench/pkcs11_sign_threads.c -I/usr/include/p11-kit-1 -ldl -lpthread
 *   /tmp/p11threads MODULE TOKEN-LABEL KEY-LABEL PIN-FILE ecdsa|rsa|eddsa THREADS SECONDS
 */
#include <dlfcn.h>
#include <p11-kit/pkcs11.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static CK_FUNCTION_LIST* fn;
static CK_SLOT_ID slot;
static const char* key_label;
static CK_MECHANISM_TYPE mechanism;
static double seconds;
static unsigned char input[51]; /* a SHA-256 DigestInfo's size; ECDSA signs its first 32 bytes */
static CK_ULONG input_len;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void check(CK_RV rv, const char* what) {
  if (rv != CKR_OK) {
    fprintf(stderr, "%s: 0x%lx\n", what, (unsigned long)rv);
    exit(1);
  }
}

static void* loop(void* out) {
  CK_SESSION_HANDLE session;
  check(fn->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &session), "C_OpenSession");
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE find[] = {{CKA_CLASS, &cls, sizeof cls},
                         {CKA_LABEL, (void*)key_label, strlen(key_label)}};
  CK_OBJECT_HANDLE key;
  CK_ULONG found = 0;
  check(fn->C_FindObjectsInit(session, find, 2), "C_FindObjectsInit");
  check(fn->C_FindObjects(session, &key, 1, &found), "C_FindObjects");
  fn->C_FindObjectsFinal(session);
  if (found != 1) check(CKR_KEY_HANDLE_INVALID, "no such key");
  long count = 0;
  unsigned char signature[1024];
  double end = now() + seconds;
  while (now() < end) {
    CK_MECHANISM m = {mechanism, NULL, 0};
    CK_ULONG len = sizeof signature;
    check(fn->C_SignInit(session, &m, key), "C_SignInit");
    check(fn->C_Sign(session, input, input_len, signature, &len), "C_Sign");
    ++count;
  }
  *(long*)out = count;
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s MODULE TOKEN KEY PIN-FILE ecdsa|rsa|eddsa THREADS SECONDS\n",
            argv[0]);
    return 2;
  }
  void* module = dlopen(argv[1], RTLD_NOW);
  if (!module) return fprintf(stderr, "%s\n", dlerror()), 1;
  CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(module, "C_GetFunctionList");
  check(get(&fn), "C_GetFunctionList");
  CK_C_INITIALIZE_ARGS init = {NULL, NULL, NULL, NULL, CKF_OS_LOCKING_OK, NULL};
  check(fn->C_Initialize(&init), "C_Initialize");
  CK_SLOT_ID slots[64];
  CK_ULONG n = 64;
  check(fn->C_GetSlotList(CK_TRUE, slots, &n), "C_GetSlotList");
  int matched = 0;
  for (CK_ULONG i = 0; i < n && !matched; ++i) {
    CK_TOKEN_INFO info;
    check(fn->C_GetTokenInfo(slots[i], &info), "C_GetTokenInfo");
    size_t l = strlen(argv[2]);
    if (l <= 32 && memcmp(info.label, argv[2], l) == 0 && (l == 32 || info.label[l] == ' ')) {
      slot = slots[i];
      matched = 1;
    }
  }
  if (!matched) return fprintf(stderr, "no token %s\n", argv[2]), 1;
  char pin[256] = {0};
  FILE* f = fopen(argv[4], "r");
  if (!f || !fgets(pin, sizeof pin, f)) return fprintf(stderr, "cannot read %s\n", argv[4]), 1;
  fclose(f);
  pin[strcspn(pin, "\r\n")] = 0;
  CK_SESSION_HANDLE login;
  check(fn->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &login), "C_OpenSession");
  check(fn->C_Login(login, CKU_USER, (CK_UTF8CHAR*)pin, strlen(pin)), "C_Login");
  key_label = argv[3];
  memset(input, 0x5a, sizeof input);
  if (!strcmp(argv[5], "ecdsa"))
    mechanism = CKM_ECDSA, input_len = 32;
  else if (!strcmp(argv[5], "rsa"))
    mechanism = CKM_RSA_PKCS, input_len = 51;
  else
    mechanism = CKM_EDDSA, input_len = 51;
  int threads = atoi(argv[6]);
  seconds = atof(argv[7]);
  pthread_t t[64];
  long counts[64];
  double start = now();
  for (int i = 0; i < threads; ++i) pthread_create(&t[i], NULL, loop, &counts[i]);
  long total = 0;
  for (int i = 0; i < threads; ++i) pthread_join(t[i], NULL), total += counts[i];
  double wall = now() - start;
  /* CPU per signature and voluntary context switches (a thread blocking on a lock) per signature
   * do not depend on how busy the machine is; the rate does. */
  struct rusage use;
  getrusage(RUSAGE_SELF, &use);
  double cpu = use.ru_utime.tv_sec + use.ru_utime.tv_usec / 1e6 + use.ru_stime.tv_sec +
               use.ru_stime.tv_usec / 1e6;
  printf("%s %d thread(s): %.0f signatures/s, %.1f us CPU/signature, %.3f waits/signature\n",
         argv[5], threads, total / wall, cpu * 1e6 / total, (double)use.ru_nvcsw / total);
  fn->C_Finalize(NULL);
  return 0;
}
