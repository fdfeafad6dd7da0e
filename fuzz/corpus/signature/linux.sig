{
  "format": "adrestore-signature/1",
  "algorithm": "ed25519",
  "keyFingerprint": "a9822c1a871e3e00ef308216c126555c4f5f028b50ba978387a5357259a83cc1",
  "publicKey": "006b9d848d1ebad86f85ca09f6d1d68fe74f5326be7630772c545485e5e34d94",
  "signature": "fd8d6ec619b96670a59f037c6102aad38e98a853dbbe40c759710ba61de2f40caf8e343925481d54cc6df5f4e3c027134dc86543e376190fd4d3c26f468f1005",
  "signedFile": "adrestore-backup.json"
}
