package com.valoratbot.cli;

import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DoctorReport;
import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check connectivity, the table's shape, LISTEN support, the backlog and live workers.")
final class DoctorCommand extends DatabaseCommand {

    @Override
    int run(Database db, CommandAdmin admin) {
        DoctorReport report = admin.doctor();
        report.lines().forEach(out()::println);
        return report.healthy() ? 0 : ValoratbotCli.FAILED;
    }
}
