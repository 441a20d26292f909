# Reset code and vectors for LLVM's -mcpu=esp32 code (windowed ABI) on QEMU's `sim` machine with
# a windowed core (de212, sample_controller: sysrom0 at 0x50000000, sysram0 at 0x60000000). Put
# first in the one assembly file the benchmark builds (no linker here relocates CALL8 or L32R
# between LLVM's objects): every reference below is a plain 32-bit word or PC-relative.
	.text
	.global _reset
	.p2align 2
_reset:
	j 1f
	.p2align 2
.Lstack:
	.4byte 0x60100000
.Lps:
	.4byte 0x40020
.Lmain:
	.4byte main_w
.Lvec:
	.4byte mg_wvectors
.Lsave:
	.4byte mg_outer_save + 64
1:
	movi a0, 0                  # one live window: this frame
	wsr a0, windowbase
	movi a0, 1
	wsr a0, windowstart
	rsync
	l32r a0, .Lvec
	wsr a0, vecbase
	l32r a0, .Lps               # PS.WOE (window exceptions on), UM, INTLEVEL 0
	wsr a0, ps
	rsync
	l32r a1, .Lstack            # the outermost frame has no caller: its spill finds a fake
	mov a3, a1                  # caller's sp (the stack top) at [sp - 12], and puts its
	addi a1, a1, -64            # a4-a7 in [top - 32, top - 16)
	addi a2, a1, -16
	s32i a3, a2, 4
	movi a0, 0
	l32r a8, .Lmain
	callx8 a8
	mov a3, a10
	movi a2, 1
	.byte 0x00, 0x51, 0x00
9:	j 9b

# The window overflow/underflow handlers at their architectural offsets (the standard sequences),
# then the debug, kernel, user and double exception vectors: any other exception ends the run (70).
	.p2align 10
mg_wvectors:
	s32e a0, a5, -16
	s32e a1, a5, -12
	s32e a2, a5, -8
	s32e a3, a5, -4
	rfwo
	.org mg_wvectors + 0x40
	l32e a0, a5, -16
	l32e a1, a5, -12
	l32e a2, a5, -8
	l32e a3, a5, -4
	rfwu
	.org mg_wvectors + 0x80
	s32e a0, a9, -16
	l32e a0, a1, -12
	s32e a1, a9, -12
	s32e a2, a9, -8
	s32e a3, a9, -4
	s32e a4, a0, -32
	s32e a5, a0, -28
	s32e a6, a0, -24
	s32e a7, a0, -20
	rfwo
	.org mg_wvectors + 0xc0
	l32e a1, a9, -12
	l32e a0, a9, -16
	l32e a7, a1, -12
	l32e a2, a9, -8
	l32e a4, a7, -32
	l32e a3, a9, -4
	l32e a5, a7, -28
	l32e a6, a7, -24
	l32e a7, a7, -20
	rfwu
	.org mg_wvectors + 0x100
	s32e a0, a13, -16
	l32e a0, a1, -12
	s32e a1, a13, -12
	s32e a2, a13, -8
	s32e a3, a13, -4
	s32e a4, a0, -48
	s32e a5, a0, -44
	s32e a6, a0, -40
	s32e a7, a0, -36
	s32e a8, a0, -32
	s32e a9, a0, -28
	s32e a10, a0, -24
	s32e a11, a0, -20
	rfwo
	.org mg_wvectors + 0x140
	l32e a1, a13, -12
	l32e a0, a13, -16
	l32e a11, a1, -12
	l32e a2, a13, -8
	l32e a4, a11, -48
	l32e a8, a11, -32
	l32e a3, a13, -4
	l32e a5, a11, -44
	l32e a6, a11, -40
	l32e a7, a11, -36
	l32e a9, a11, -28
	l32e a10, a11, -24
	l32e a11, a11, -20
	rfwu
	.org mg_wvectors + 0x280    # debug (de212): exit 100 + DEBUGCAUSE
	.byte 0x30, 0xe9, 0x03      # rsr a3, debugcause
	addi a3, a3, 100
	movi a2, 1
	.byte 0x00, 0x51, 0x00
	.org mg_wvectors + 0x300
	j mg_wfault
	.org mg_wvectors + 0x340
	j mg_wfault
	.org mg_wvectors + 0x3c0
	j mg_wfault
	.org mg_wvectors + 0x400
mg_wfault:
	movi a3, 70
	movi a2, 1
	.byte 0x00, 0x51, 0x00
8:	j 8b

	.section .bss
	.p2align 4
mg_outer_save:
	.space 64
