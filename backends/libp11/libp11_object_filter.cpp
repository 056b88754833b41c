#include "backends/libp11/libp11_object_filter.h"

#include <array>
#include <mutex>

#include "core/util/error.h"

namespace kpki {

namespace {

constexpr int kSlots = 4;

struct FilterSlot {
  CK_FUNCTION_LIST* real = nullptr;
  CK_FUNCTION_LIST filtered{};
};
std::array<FilterSlot, kSlots> g_slots;

// Whether libp11 may see `object`: anything but a public or private key of a type it lacks.
bool visible(CK_FUNCTION_LIST* real, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object) {
  CK_OBJECT_CLASS cls = 0;
  CK_ATTRIBUTE class_attr = {CKA_CLASS, &cls, sizeof cls};
  if (real->C_GetAttributeValue(session, object, &class_attr, 1) != CKR_OK) return true;
  if (cls != CKO_PUBLIC_KEY && cls != CKO_PRIVATE_KEY) return true;
  CK_KEY_TYPE type = 0;
  CK_ATTRIBUTE type_attr = {CKA_KEY_TYPE, &type, sizeof type};
  if (real->C_GetAttributeValue(session, object, &type_attr, 1) != CKR_OK) return true;
  return libp11_understands_key_type(type);
}

// One instantiation per slot: a C function cannot carry which module it wraps.
template <int I>
CK_RV find_objects(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max,
                   CK_ULONG_PTR count) {
  CK_FUNCTION_LIST* real = g_slots[I].real;
  if (!count || (!objects && max)) return real->C_FindObjects(session, objects, max, count);
  // Keep asking until something visible turns up or the search is over, so a hidden object
  // never reads as "no more objects".
  for (;;) {
    CK_ULONG got = 0;
    CK_RV rv = real->C_FindObjects(session, objects, max, &got);
    if (rv != CKR_OK) return rv;
    CK_ULONG kept = 0;
    for (CK_ULONG i = 0; i < got; ++i) {
      if (visible(real, session, objects[i])) objects[kept++] = objects[i];
    }
    if (kept > 0 || got == 0) {
      *count = kept;
      return CKR_OK;
    }
  }
}

template <int I>
void install(CK_FUNCTION_LIST* real) {
  g_slots[I].real = real;
  g_slots[I].filtered = *real;
  g_slots[I].filtered.C_FindObjects = &find_objects<I>;
}

}  // namespace

CK_FUNCTION_LIST* filtered_function_list(CK_FUNCTION_LIST* real) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  for (auto& slot : g_slots) {
    if (slot.real == real) return &slot.filtered;
  }
  using Installer = void (*)(CK_FUNCTION_LIST*);
  static constexpr Installer installers[kSlots] = {&install<0>, &install<1>, &install<2>,
                                                   &install<3>};
  for (int i = 0; i < kSlots; ++i) {
    if (!g_slots[i].real) {
      installers[i](real);
      return &g_slots[i].filtered;
    }
  }
  throw Error(ErrorCode::DeviceError, "the libp11 backend supports at most 4 PKCS#11 modules");
}

}  // namespace kpki
