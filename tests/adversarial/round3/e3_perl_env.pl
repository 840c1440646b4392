#!/usr/bin/perl
# perl's %ENV: filled from environ at start-up, read here without any getenv call.
my $v = $ENV{RTM3_PERL_ENV} // "(unset)";
print "did: perl \$ENV{RTM3_PERL_ENV} -> $v\n";
