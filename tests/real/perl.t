#!/bin/sh
# perl.t: hashes, regexes, sorting, string building and sprintf in perl.
. "$(dirname "$0")/common.sh"
need perl
cat >"$tmp/work.pl" <<'PL'
use strict; use warnings;
use Digest::MD5 qw(md5_hex);
my $s = 42;
sub rnd { $s = ($s * 1103515245 + 12345) % 2147483648; return $s; }
my @w;
for (1 .. 80000) {
  my $len = rnd() % 10 + 1;
  push @w, join "", map { chr(97 + rnd() % 26) } 1 .. $len;
}
my %count; $count{$_}++ for @w;
my @top = (sort { $count{$b} <=> $count{$a} || $a cmp $b } keys %count)[0 .. 4];
print "distinct ", scalar(keys %count), " top @top\n";
my %h;
for my $i (0 .. $#w) { push @{ $h{ substr($w[$i], 0, 2) } }, $w[$i] x ($i % 4); }
my $d = Digest::MD5->new;
for my $k (sort keys %h) { $d->add($k, scalar @{ $h{$k} }, join(",", @{ $h{$k} }[0 .. 2])); }
print "groups ", scalar(keys %h), " ", $d->hexdigest, "\n";
my $text = join " ", @w;
my @m = $text =~ /\b([aeiou]\w{2,4}[^aeiou\s])\b/g;
print "matches ", scalar(@m), " @m[0..2]\n";
(my $t2 = $text) =~ s/(\w)(\w*)/$2$1ay/g;
print "pig ", md5_hex($t2), "\n";
my @recs = map { { id => $_, name => $w[$_], v => rnd() % 1000 } } 0 .. 49999;
my @sorted = sort { $b->{v} <=> $a->{v} || $a->{name} cmp $b->{name} || $a->{id} <=> $b->{id} } @recs;
print "sorted ", join(",", map { $_->{id} } @sorted[0 .. 4]), "\n";
my $buf = "";
$buf .= sprintf("%05d:%s;", $_, $w[$_]) for 0 .. 49999;
print "buf ", length($buf), " ", md5_hex($buf), "\n";
my @split = split /;/, $buf;
my %inv = map { (split /:/)[1] => $_ } @split;
print "inv ", scalar(keys %inv), "\n";
for (1 .. 30) { my %tmp = map { $_ => [1 .. ($_ % 30)] } 1 .. 3000; }
print "done\n";
PL
compare perl perl "$tmp/work.pl"
