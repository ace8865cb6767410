#!/usr/bin/perl
# SPDX-License-Identifier: BSD-2-Clause
#
# mkbroken.pl OUTDIR OBJ... - write deterministic broken copies of each
# BPF object into OUTDIR, for tests/hardening/valgrind.t: truncations,
# ELF header fields, section headers (offset past the end, huge size, bad
# link/info, odd entsize) of the sections a loader reads, symbol entries,
# BTF and BTF.ext headers and types, relocation entries, and random byte
# damage from a fixed seed.  Prints how many files it wrote.
use strict;
use warnings;
no warnings 'portable';

my $out = shift @ARGV or die "usage: mkbroken.pl OUTDIR OBJ...\n";
my $count = 0;

sub put {
	my ($name, $data) = @_;
	open(my $f, '>:raw', "$out/$name") or die "$out/$name: $!";
	print $f $data;
	close($f);
	$count++;
}

sub tag {
	(my $t = shift) =~ s/[^A-Za-z0-9]/_/g;
	return $t;
}

for my $obj (@ARGV) {
	open(my $f, '<:raw', $obj) or die "$obj: $!";
	local $/;
	my $img = <$f>;
	close($f);
	(my $base = $obj) =~ s{.*/}{};
	$base =~ s/\.o$//;
	my $size = length($img);

	for my $len (0, 4, 40, 63, 64, int($size / 3), int($size / 2), $size - 1) {
		put("$base.trunc$len.o", substr($img, 0, $len));
	}

	my %hdr = (shoff => [40, 'Q<', 0xffffffffffff0000], shnum => [60, 'v', 0xffff],
		   shstrndx => [62, 'v', 0xfff0], shentsize => [58, 'v', 1],
		   machine => [18, 'v', 62], shnum0 => [60, 'v', 0]);
	for my $k (sort keys %hdr) {
		my ($off, $fmt, $val) = @{$hdr{$k}};
		my $c = $img;
		substr($c, $off, length(pack($fmt, 0)), pack($fmt, $val));
		put("$base.ehdr-$k.o", $c);
	}

	my $shoff = unpack('Q<', substr($img, 40, 8));
	my ($shentsize, $shnum, $shstrndx) = unpack('v3', substr($img, 58, 6));
	my $stroff = unpack('Q<', substr($img, $shoff + $shstrndx * $shentsize + 24, 8));
	my %secs;
	for my $i (1 .. $shnum - 1) {
		my $h = $shoff + $i * $shentsize;
		my $name = unpack('V', substr($img, $h, 4));
		$secs{unpack('Z*', substr($img, $stroff + $name, 256))} = $h;
	}
	my @rels = grep { /^\.rel/ } sort keys %secs;
	my @progs = grep { m{^(socket|xdp|kprobe/|tracepoint/|tp/|raw_tp/|uprobe|\.text$)} }
		    sort keys %secs;
	my @pick = grep { exists $secs{$_} } ('.symtab', '.strtab', '.BTF', '.BTF.ext', 'maps',
		'.maps', '.data', '.bss', '.rodata', 'license', 'version');
	push @pick, grep { defined } @progs[0, 1], @rels[0, 1];
	for my $n (@pick) {
		my $h = $secs{$n};
		my $t = tag($n);
		my $c = $img;
		substr($c, $h + 24, 8, pack('Q<', $size - 4));
		put("$base.sec$t-offset.o", $c);
		$c = $img;
		substr($c, $h + 32, 8, pack('Q<', 0x7fffffffffffffff));
		put("$base.sec$t-size.o", $c);
		$c = $img;
		substr($c, $h + 40, 8, pack('V2', 0xffff, 0xfff0));
		put("$base.sec$t-link.o", $c);
		$c = $img;
		substr($c, $h + 56, 8, pack('Q<', 5));
		put("$base.sec$t-entsize.o", $c);
	}

	if (my $h = $secs{'.symtab'}) {
		my ($off, $sz) = unpack('Q<2', substr($img, $h + 24, 16));
		for my $what ('shndx', 'value', 'size', 'name') {
			my $c = $img;
			for (my $p = $off + 24; $p + 24 <= $off + $sz; $p += 24) {
				substr($c, $p + 6, 2, pack('v', 0xfff0)) if $what eq 'shndx';
				substr($c, $p + 8, 8, pack('Q<', 0xfffffffffff8)) if $what eq 'value';
				substr($c, $p + 16, 8, pack('Q<', 0xfffffffffff8)) if $what eq 'size';
				substr($c, $p, 4, pack('V', 0xffffff00)) if $what eq 'name';
			}
			put("$base.syms-$what.o", $c);
		}
	}
	for my $n ('.BTF', '.BTF.ext') {
		my $h = $secs{$n} or next;
		my $off = unpack('Q<', substr($img, $h + 24, 8));
		my $t = tag($n);
		for my $field (4, 8, 12, 16, 20) {
			my $c = $img;
			substr($c, $off + $field, 4, pack('V', 0xfffffff0));
			put("$base$t-hdr$field.o", $c);
		}
		next unless $n eq '.BTF';
		my $hl = unpack('V', substr($img, $off + 4, 4));
		my $c = $img;
		substr($c, $off + $hl + 4, 4, pack('V', 0x1f000001));
		put("$base$t-kind31.o", $c);
		$c = $img;
		substr($c, $off + $hl + 8, 4, pack('V', 0xffffff));
		put("$base$t-typeid.o", $c);
		$c = $img;
		substr($c, $off + $hl + 4, 4, pack('V', 0x0400ffff));	# struct, 65535 members
		put("$base$t-vlen.o", $c);
	}
	for my $n (@rels) {
		my ($off, $sz) = unpack('Q<2', substr($img, $secs{$n} + 24, 16));
		next unless $sz >= 16;
		my $t = tag($n);
		my $c = $img;
		substr($c, $off, 8, pack('Q<', 0xfffffff8));
		put("$base$t-roff.o", $c);
		$c = $img;
		substr($c, $off + 8, 8, pack('Q<', (0xffffff << 32) | 1));
		put("$base$t-rsym.o", $c);
		$c = $img;
		substr($c, $off + 8, 8, pack('Q<', (1 << 32) | 99));
		put("$base$t-rtype.o", $c);
	}

	srand(4242);
	for my $k (1 .. 8) {
		my $c = $img;
		substr($c, int(rand($size)), 1, chr(int(rand(256)))) for 1 .. 24;
		put("$base.random$k.o", $c);
	}
}
print "$count\n";
