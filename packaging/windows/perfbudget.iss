; Inno Setup 6 script of the Windows installer (64-bit, per machine, Chinese UI).
; Built by `python packaging\build.py --installer`, or by hand after `python packaging\build.py --no-deb`:
;   ISCC /DAppVersion=<core.version.__version__> /Odist packaging\windows\perfbudget.iss
; The version is never written here: build.py passes it from core/version.py.
; User data lives in the user's profile (platformdirs: %LOCALAPPDATA%\perfbudget); the installer
; neither creates nor removes it, so uninstalling keeps every database and backup.

#ifndef AppVersion
  #error AppVersion is not defined: run ISCC /DAppVersion=... (packaging\build.py does it)
#endif

#define AppName "预算绩效管理工作台"
#define AppExe "perfbudget.exe"

[Setup]
AppId={{7D1C2F6A-4B1E-4E8B-9A53-2F0C6B8E51A4}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=perfbudget
DefaultDirName={autopf}\perfbudget
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=perfbudget-{#AppVersion}-setup
SetupIconFile=perfbudget.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Messages]
; Shown instead of the wizard on Windows 7/8/8.1 (MinVersion) and on 32-bit Windows (ArchitecturesAllowed).
WindowsVersionNotSupported=本程序需要 64 位 Windows 10 或 Windows 11。Windows 7/8/8.1 及 32 位系统不受支持（Qt 6 的要求）。
OnlyOnTheseArchitectures=本程序只能安装在 64 位（x64）Windows 10 或 Windows 11 上。32 位 Windows 及 Windows 7/8/8.1 不受支持（Qt 6 的要求）。

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\perfbudget\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "gui"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Parameters: "gui"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Parameters: "gui"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
