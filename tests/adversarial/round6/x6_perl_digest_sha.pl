#!/usr/bin/perl
# x6_perl_digest_sha: perl's core Digest::SHA (its own XS code, not libcrypto): an HMAC-SHA-256
# of a message and a SHA-512 key derivation.
use strict;
use warnings;
use Digest::SHA qw(hmac_sha256_hex sha512_hex);
my $mac = hmac_sha256_hex("rtm6 message", "rtm6 key");
my $key = sha512_hex("rtm6 secret" x 1000);
print "did: Digest::SHA hmac_sha256 = $mac, derived key " . substr($key, 0, 16) . "...\n";
