{
  "format": "adrestore-signature/1",
  "algorithm": "ed25519",
  "keyFingerprint": "a9822c1a871e3e00ef308216c126555c4f5f028b50ba978387a5357259a83cc1",
  "publicKey": "006b9d848d1ebad86f85ca09f6d1d68