"""Privacy by construction: household data keys and the sealing of personal data.

Later parts (access policy, access records, the tamper-evident chain) live here too.
"""

from .keys import KeyStore, KeyStoreBusyError, KeyStoreError, MasterKey
from .sealing import PlaintextLeakError, SealedDataError, SealingMapper, register_transcodings

__all__ = [
    "KeyStore",
    "KeyStoreBusyError",
    "KeyStoreError",
    "MasterKey",
    "PlaintextLeakError",
    "SealedDataError",
    "SealingMapper",
    "register_transcodings",
]
